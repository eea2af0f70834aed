package io.k8spacket.streams.metadata.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.streams.metadata.MetadataChange;
import io.k8spacket.streams.metadata.MetadataPublisher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes objects as the API would hold them, and a publisher that records what it is given. */
final class K8sFixtures {
  private K8sFixtures() {}

  /** One published change, every field of the value spelled out (nulls for a tombstone). */
  record Seen(String ip, String name, String namespace, String workload, String workloadKind, EndpointKind kind,
      String node, long seenAtMs) {
    static Seen of(MetadataChange c) {
      var m = c.metadata();
      return m == null ? tombstone(c.ip(), c.seenAtMs())
          : new Seen(c.ip(), m.getName(), m.getNamespace(), m.getWorkload(), m.getWorkloadKind(), m.getKind(),
              m.getNode(), c.seenAtMs());
    }

    static Seen tombstone(String ip, long atMs) {
      return new Seen(ip, null, null, null, null, null, null, atMs);
    }
  }

  /** Records every batch; can be told to fail. */
  static final class RecordingPublisher implements MetadataPublisher {
    private final List<List<MetadataChange>> batches = new ArrayList<>();
    private int failuresLeft;

    @Override
    public synchronized void publish(List<MetadataChange> changes) {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new IllegalStateException("broker away");
      }
      batches.add(List.copyOf(changes));
    }

    synchronized void failNext(int times) {
      failuresLeft = times;
    }

    synchronized List<List<MetadataChange>> batches() {
      return List.copyOf(batches);
    }

    synchronized List<Seen> seen() {
      return batches.stream().flatMap(List::stream).map(Seen::of).toList();
    }
  }

  static OwnerReference controller(String apiVersion, String kind, String name) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name)
        .withUid(kind + "-" + name).withController(true).build();
  }

  /** A running pod that got {@code ips} at {@code ipSince} (condition PodReadyToStartContainers). */
  static PodBuilder runningPod(String namespace, String name, String node, Instant ipSince, String... ips) {
    PodBuilder b = new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("app:1").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running").withStartTime(ipSince.minusSeconds(1).toString())
        .addNewCondition().withType("PodReadyToStartContainers").withStatus("True")
        .withLastTransitionTime(ipSince.toString()).endCondition()
        .addNewCondition().withType("Ready").withStatus("True")
        .withLastTransitionTime(ipSince.plusSeconds(2).toString()).endCondition()
        .withPodIP(ips.length == 0 ? null : ips[0])
        .endStatus();
    for (String ip : ips) {
      b.editStatus().addNewPodIP().withIp(ip).endPodIP().endStatus();
    }
    return b;
  }

  static Pod ownedBy(PodBuilder pod, OwnerReference owner) {
    return pod.editMetadata().addToOwnerReferences(owner).endMetadata().build();
  }

  /** {@code pod} after its only container exited at {@code finishedAt}: phase Succeeded, IPs still listed. */
  static Pod succeeded(Pod pod, Instant finishedAt) {
    return new PodBuilder(pod).editStatus().withPhase("Succeeded")
        .editMatchingCondition(c -> "Ready".equals(c.getType())).withStatus("False")
        .withLastTransitionTime(finishedAt.plusMillis(300).toString()).endCondition()
        .withContainerStatuses(new ContainerStatusBuilder().withName("app").withReady(false)
            .withNewState().withNewTerminated().withExitCode(0).withReason("Completed")
            .withFinishedAt(finishedAt.toString()).endTerminated().endState().build())
        .endStatus().build();
  }

  static ReplicaSet replicaSet(String namespace, String name, String deployment) {
    return new ReplicaSetBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .addToOwnerReferences(controller("apps/v1", "Deployment", deployment)).endMetadata()
        .withNewSpec().withReplicas(1).endSpec().build();
  }

  static Job job(String namespace, String name, String cronJob) {
    JobBuilder b = new JobBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().endSpec();
    if (cronJob != null) {
      b.editMetadata().addToOwnerReferences(controller("batch/v1", "CronJob", cronJob)).endMetadata();
    }
    return b.build();
  }

  static Service service(String namespace, String name, String... clusterIps) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withClusterIP(clusterIps[0]).withClusterIPs(clusterIps)
        .addNewPort().withName("http").withPort(80).withNewTargetPort(8080).endPort().endSpec().build();
  }

  static Node node(String name, String internalIp, String externalIp) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress()
        .addNewAddress().withType("ExternalIP").withAddress(externalIp).endAddress()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress().endStatus().build();
  }
}
