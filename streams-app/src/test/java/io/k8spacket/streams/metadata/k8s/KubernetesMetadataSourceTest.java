package io.k8spacket.streams.metadata.k8s;

import static io.k8spacket.streams.metadata.k8s.K8sFixtures.controller;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.job;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.node;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.ownedBy;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.replicaSet;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.runningPod;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.service;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.streams.metadata.k8s.K8sFixtures.RecordingPublisher;
import io.k8spacket.streams.metadata.k8s.K8sFixtures.Seen;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesMetadataSourceTest {
  /** The source's clock: "now" for changes the API gives no time for. */
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final long NOW_MS = NOW.toEpochMilli();

  KubernetesMockServer server;
  KubernetesClient client;

  private final RecordingPublisher publisher = new RecordingPublisher();
  private KubernetesMetadataSource source;

  @AfterEach
  void stopSource() {
    if (source != null) {
      source.stop();
    }
  }

  @Test
  void pods_are_named_after_their_workloads_following_owner_references() {
    create(replicaSet("shop", "web-5d9c7", "web"));
    create(job("ops", "report-28730", "report"));
    create(ownedBy(runningPod("shop", "web-5d9c7-abcde", "node-1", NOW.minusSeconds(50), "10.0.0.5"),
        controller("apps/v1", "ReplicaSet", "web-5d9c7")));
    create(ownedBy(runningPod("ops", "report-28730-x1", "node-2", NOW.minusSeconds(40), "10.0.0.6"),
        controller("batch/v1", "Job", "report-28730")));
    create(ownedBy(runningPod("shop", "db-0", "node-1", NOW.minusSeconds(30), "10.0.0.8"),
        controller("apps/v1", "StatefulSet", "db")));
    create(ownedBy(runningPod("kube-system", "agent-q2x", "node-2", NOW.minusSeconds(20), "10.0.0.9"),
        controller("apps/v1", "DaemonSet", "agent")));
    create(runningPod("shop", "debug", "node-1", NOW.minusSeconds(10), "10.0.0.10").build());

    startSource();

    awaitSeen(5);
    assertThat(publisher.seen()).containsExactly(
        pod("10.0.0.10", "debug", "shop", "debug", "Pod", "node-1", NOW_MS - 10_000),
        pod("10.0.0.5", "web-5d9c7-abcde", "shop", "web", "Deployment", "node-1", NOW_MS - 50_000),
        pod("10.0.0.6", "report-28730-x1", "ops", "report", "CronJob", "node-2", NOW_MS - 40_000),
        pod("10.0.0.8", "db-0", "shop", "db", "StatefulSet", "node-1", NOW_MS - 30_000),
        pod("10.0.0.9", "agent-q2x", "kube-system", "agent", "DaemonSet", "node-2", NOW_MS - 20_000));
    assertThat(publisher.batches()).as("the full state, once, in one batch").hasSize(1);
  }

  @Test
  void services_publish_their_cluster_ips_and_headless_ones_nothing() {
    create(service("shop", "web", "10.96.0.20", "fd00:96:0:0::20"));
    create(service("shop", "db", "None"));

    startSource();

    awaitSeen(2);
    assertThat(publisher.seen()).containsExactly(
        new Seen("10.96.0.20", "web", "shop", "web", "Service", EndpointKind.SERVICE, null, NOW_MS),
        new Seen("fd00:96::20", "web", "shop", "web", "Service", EndpointKind.SERVICE, null, NOW_MS));

    client.services().inNamespace("shop").withName("web").delete();
    awaitSeen(4);
    assertThat(publisher.seen()).endsWith(Seen.tombstone("10.96.0.20", NOW_MS),
        Seen.tombstone("fd00:96::20", NOW_MS));
  }

  @Test
  void a_node_ip_stays_the_nodes_whatever_its_host_network_pods_do() {
    create(node("node-1", "192.168.1.10", "203.0.113.10"));
    Pod hostPod = runningPod("kube-system", "kube-proxy-abc", "node-1", NOW.minusSeconds(5), "192.168.1.10")
        .editSpec().withHostNetwork(true).endSpec().build();
    create(hostPod);

    startSource();

    awaitSeen(1);
    Seen nodeIp = new Seen("192.168.1.10", "node-1", null, "node-1", "Node", EndpointKind.NODE, "node-1", NOW_MS);
    assertThat(publisher.seen()).containsExactly(nodeIp);

    long events = source.events();
    client.pods().inNamespace("kube-system").withName("kube-proxy-abc").edit(p -> new PodBuilder(p)
        .editMetadata().addToLabels("restarted", "yes").endMetadata().build());
    client.pods().inNamespace("kube-system").withName("kube-proxy-abc").delete();
    await().until(() -> source.events() >= events + 2);
    create(runningPod("shop", "marker", "node-1", NOW.minusSeconds(1), "10.0.0.99").build());
    awaitSeen(2);
    assertThat(publisher.seen()).containsExactly(nodeIp,
        pod("10.0.0.99", "marker", "shop", "marker", "Pod", "node-1", NOW_MS - 1_000));
  }

  @Test
  void an_ip_handed_over_from_a_finished_job_pod_to_a_deployment_pod_is_released_then_reassigned() {
    Instant aGotIp = NOW.minusSeconds(120);
    Instant aFinished = NOW.minusSeconds(60);
    Instant bGotIp = NOW.minusSeconds(30);
    create(job("ops", "report-28730", "report"));
    Pod a = create(ownedBy(runningPod("ops", "report-28730-x1", "node-2", aGotIp, "10.0.0.7"),
        controller("batch/v1", "Job", "report-28730")));
    startSource();
    awaitSeen(1);

    updateStatus(succeeded(a, aFinished));
    awaitSeen(2);
    create(replicaSet("shop", "web-5d9c7", "web"));
    create(ownedBy(runningPod("shop", "web-5d9c7-abcde", "node-2", bGotIp, "10.0.0.7"),
        controller("apps/v1", "ReplicaSet", "web-5d9c7")));
    awaitSeen(3);

    assertThat(publisher.seen()).containsExactly(
        pod("10.0.0.7", "report-28730-x1", "ops", "report", "CronJob", "node-2", aGotIp.toEpochMilli()),
        Seen.tombstone("10.0.0.7", aFinished.toEpochMilli()),
        pod("10.0.0.7", "web-5d9c7-abcde", "shop", "web", "Deployment", "node-2", bGotIp.toEpochMilli()));
  }

  @Test
  void a_new_pod_wins_an_ip_that_a_finished_pod_still_lists_before_its_end_is_seen() {
    Instant bGotIp = NOW.minusSeconds(30);
    Pod a = create(runningPod("ops", "batch-a", "node-2", NOW.minusSeconds(120), "10.0.0.7").build());
    startSource();
    awaitSeen(1);

    create(runningPod("shop", "batch-b", "node-2", bGotIp, "10.0.0.7").build());
    awaitSeen(2);
    long events = source.events();
    updateStatus(succeeded(a, NOW.minusSeconds(60)));
    await().until(() -> source.events() > events);
    create(runningPod("shop", "marker", "node-1", NOW.minusSeconds(1), "10.0.0.99").build());
    awaitSeen(3);

    assertThat(publisher.seen()).containsExactly(
        pod("10.0.0.7", "batch-a", "ops", "batch-a", "Pod", "node-2", NOW_MS - 120_000),
        pod("10.0.0.7", "batch-b", "shop", "batch-b", "Pod", "node-2", bGotIp.toEpochMilli()),
        pod("10.0.0.99", "marker", "shop", "marker", "Pod", "node-1", NOW_MS - 1_000));
  }

  @Test
  void a_deleted_pod_releases_its_ips_at_once() {
    create(runningPod("shop", "web-1", "node-1", NOW.minusSeconds(5), "10.0.0.5", "fd00::5").build());
    startSource();
    awaitSeen(2);

    client.pods().inNamespace("shop").withName("web-1").delete();

    awaitSeen(4);
    assertThat(publisher.seen()).containsExactly(
        pod("10.0.0.5", "web-1", "shop", "web-1", "Pod", "node-1", NOW_MS - 5_000),
        pod("fd00::5", "web-1", "shop", "web-1", "Pod", "node-1", NOW_MS - 5_000),
        Seen.tombstone("10.0.0.5", NOW_MS),
        Seen.tombstone("fd00::5", NOW_MS));
  }

  @Test
  void resyncs_and_updates_that_change_no_name_publish_nothing() {
    create(runningPod("shop", "web-1", "node-1", NOW.minusSeconds(5), "10.0.0.5").build());
    create(service("shop", "web", "10.96.0.20"));
    create(node("node-1", "192.168.1.10", "203.0.113.10"));
    startSource(Duration.ofSeconds(1)); // fabric8's shortest resync
    awaitSeen(3);

    client.pods().inNamespace("shop").withName("web-1").edit(p -> new PodBuilder(p)
        .editMetadata().addToLabels("version", "2").endMetadata().build());
    await().until(() -> source.events() >= 3 + 1 + 2 * 3); // the label edit and at least two resyncs

    assertThat(publisher.batches()).hasSize(1);
    assertThat(publisher.seen()).hasSize(3);
  }

  @Test
  void a_failed_publish_is_retried_until_it_succeeds() {
    publisher.failNext(2);
    create(runningPod("shop", "web-1", "node-1", NOW.minusSeconds(5), "10.0.0.5").build());

    startSource();

    awaitSeen(1);
    assertThat(publisher.seen()).containsExactly(
        pod("10.0.0.5", "web-1", "shop", "web-1", "Pod", "node-1", NOW_MS - 5_000));
  }

  @Test
  void changes_older_than_the_backdating_limit_are_dated_at_the_limit() {
    create(runningPod("shop", "old", "node-1", NOW.minus(Duration.ofDays(3)), "10.0.0.5").build());

    startSource();

    awaitSeen(1);
    assertThat(publisher.seen()).containsExactly(pod("10.0.0.5", "old", "shop", "old", "Pod", "node-1",
        NOW_MS - KubernetesSourceOptions.DEFAULT_MAX_BACKDATE.toMillis()));
  }

  private void startSource() {
    startSource(Duration.ofMinutes(10));
  }

  private void startSource(Duration resync) {
    source = new KubernetesMetadataSource(client, KubernetesSourceOptions.of(resync, "default",
            "k8spacket-metadata-publisher", "streams-0")
        .withLeaseTimings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200)),
        Clock.fixed(NOW, ZoneOffset.UTC));
    source.start(publisher);
  }

  private void awaitSeen(int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> publisher.seen().size() >= count);
  }

  private <T extends HasMetadata> T create(T object) {
    return client.resource(object).create();
  }

  private void updateStatus(Pod pod) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
  }

  private static Seen pod(String ip, String name, String namespace, String workload, String workloadKind,
      String node, long atMs) {
    return new Seen(ip, name, namespace, workload, workloadKind, EndpointKind.POD, node, atMs);
  }
}
