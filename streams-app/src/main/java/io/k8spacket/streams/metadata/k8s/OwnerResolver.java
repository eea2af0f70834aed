package io.k8spacket.streams.metadata.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Names the workload a pod belongs to by following controller owner references through the caches of the
 * informers (no API call per pod): pod → ReplicaSet → Deployment, pod → Job → CronJob, pod → StatefulSet or
 * DaemonSet (or any other controller, by its kind); a pod without a controller is its own workload, kind
 * {@code Pod}.
 *
 * <p>A ReplicaSet or Job missing from the cache (its watch event not in yet) still resolves: a ReplicaSet
 * named {@code <deployment>-<pod-template-hash>} whose pod carries that {@code pod-template-hash} label is the
 * Deployment's; otherwise the ReplicaSet or Job itself is the workload. The next resync corrects it.
 */
final class OwnerResolver {
  /** The workload of a pod: its controller's name and kind. */
  record Workload(String name, String kind) {
    Workload {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
    }
  }

  static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private final BiFunction<String, String, ReplicaSet> replicaSets;
  private final BiFunction<String, String, Job> jobs;

  /** {@code replicaSets} and {@code jobs} look up (namespace, name) in a cache; null when absent. */
  OwnerResolver(BiFunction<String, String, ReplicaSet> replicaSets, BiFunction<String, String, Job> jobs) {
    this.replicaSets = Objects.requireNonNull(replicaSets, "replicaSets");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
  }

  Workload resolve(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Optional<OwnerReference> ref = controllerOf(pod);
    if (ref.isEmpty()) {
      return new Workload(pod.getMetadata().getName(), "Pod");
    }
    OwnerReference owner = ref.get();
    if ("ReplicaSet".equals(owner.getKind()) && isGroup(owner, "apps")) {
      ReplicaSet rs = replicaSets.apply(namespace, owner.getName());
      if (rs != null) {
        return controllerOf(rs).map(OwnerResolver::workloadOf).orElse(workloadOf(owner));
      }
      return deploymentByNaming(pod, owner).orElse(workloadOf(owner));
    }
    if ("Job".equals(owner.getKind()) && isGroup(owner, "batch")) {
      Job job = jobs.apply(namespace, owner.getName());
      return job == null ? workloadOf(owner)
          : controllerOf(job).map(OwnerResolver::workloadOf).orElse(workloadOf(owner));
    }
    return workloadOf(owner);
  }

  /** The owner reference with {@code controller: true}, if any. */
  static Optional<OwnerReference> controllerOf(HasMetadata object) {
    return object.getMetadata().getOwnerReferences().stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .findFirst();
  }

  private static Optional<Workload> deploymentByNaming(Pod pod, OwnerReference replicaSet) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(POD_TEMPLATE_HASH);
    String suffix = "-" + hash;
    if (hash == null || hash.isEmpty() || !replicaSet.getName().endsWith(suffix)
        || replicaSet.getName().length() == suffix.length()) {
      return Optional.empty();
    }
    String deployment = replicaSet.getName().substring(0, replicaSet.getName().length() - suffix.length());
    return Optional.of(new Workload(deployment, "Deployment"));
  }

  private static Workload workloadOf(OwnerReference ref) {
    return new Workload(ref.getName(), ref.getKind());
  }

  private static boolean isGroup(OwnerReference ref, String group) {
    String apiVersion = ref.getApiVersion();
    return apiVersion == null || apiVersion.startsWith(group + "/");
  }
}
