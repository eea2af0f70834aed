package io.k8spacket.streams.metadata.k8s;

import static io.k8spacket.streams.metadata.k8s.K8sFixtures.controller;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.job;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.ownedBy;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.replicaSet;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.runningPod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.k8spacket.streams.metadata.k8s.OwnerResolver.Workload;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerResolverTest {
  private final Map<String, ReplicaSet> replicaSets = new HashMap<>();
  private final Map<String, Job> jobs = new HashMap<>();
  private final OwnerResolver resolver = new OwnerResolver((ns, n) -> replicaSets.get(ns + "/" + n),
      (ns, n) -> jobs.get(ns + "/" + n));

  @Test
  void replica_sets_and_jobs_in_the_cache_lead_to_their_controllers() {
    replicaSets.put("shop/web-5d9c7", replicaSet("shop", "web-5d9c7", "web"));
    jobs.put("ops/report-1", job("ops", "report-1", "report"));
    jobs.put("ops/once", job("ops", "once", null));
    replicaSets.put("shop/bare-rs", new ReplicaSetBuilder().withNewMetadata().withNamespace("shop")
        .withName("bare-rs").endMetadata().build());

    assertThat(resolve("shop", "ReplicaSet", "apps/v1", "web-5d9c7")).isEqualTo(new Workload("web", "Deployment"));
    assertThat(resolve("ops", "Job", "batch/v1", "report-1")).isEqualTo(new Workload("report", "CronJob"));
    assertThat(resolve("ops", "Job", "batch/v1", "once")).isEqualTo(new Workload("once", "Job"));
    assertThat(resolve("shop", "ReplicaSet", "apps/v1", "bare-rs")).isEqualTo(new Workload("bare-rs", "ReplicaSet"));
    assertThat(resolve("shop", "StatefulSet", "apps/v1", "db")).isEqualTo(new Workload("db", "StatefulSet"));
    assertThat(resolve("shop", "Rollout", "argoproj.io/v1alpha1", "canary"))
        .isEqualTo(new Workload("canary", "Rollout"));
  }

  @Test
  void a_pod_without_a_controller_is_its_own_workload() {
    Pod bare = runningPod("shop", "debug", "node-1", Instant.EPOCH, "10.0.0.1").editMetadata()
        .addToOwnerReferences(new OwnerReferenceBuilder().withKind("ConfigMap").withName("x").build())
        .endMetadata().build();

    assertThat(resolver.resolve(bare)).isEqualTo(new Workload("debug", "Pod"));
  }

  @Test
  void a_replica_set_not_cached_yet_is_named_by_the_pod_template_hash() {
    Pod pod = ownedBy(runningPod("shop", "web-5d9c7-abcde", "node-1", Instant.EPOCH, "10.0.0.1")
        .editMetadata().addToLabels("pod-template-hash", "5d9c7").endMetadata(),
        controller("apps/v1", "ReplicaSet", "web-5d9c7"));
    Pod noHash = new PodBuilder(pod).editMetadata().withLabels(Map.of()).endMetadata().build();

    assertThat(resolver.resolve(pod)).isEqualTo(new Workload("web", "Deployment"));
    assertThat(resolver.resolve(noHash)).isEqualTo(new Workload("web-5d9c7", "ReplicaSet"));
    assertThat(resolve("ops", "Job", "batch/v1", "report-1")).isEqualTo(new Workload("report-1", "Job"));
  }

  private Workload resolve(String namespace, String kind, String apiVersion, String name) {
    return resolver.resolve(ownedBy(runningPod(namespace, "p", "node-1", Instant.EPOCH, "10.0.0.1"),
        controller(apiVersion, kind, name)));
  }
}
