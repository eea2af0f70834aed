package io.k8spacket.streams.metadata.k8s;

import static io.k8spacket.streams.metadata.k8s.K8sFixtures.runningPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8spacket.streams.metadata.k8s.K8sFixtures.RecordingPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two instances against one API server: one publisher at a time, and a quick hand-over. */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeaderElectionTest {
  private static final String NAMESPACE = "k8spacket";
  private static final String LEASE = "k8spacket-metadata-publisher";

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<KubernetesMetadataSource> sources = new ArrayList<>();

  @AfterEach
  void stopSources() {
    sources.forEach(KubernetesMetadataSource::stop);
  }

  @Test
  void only_the_leader_publishes_and_stopping_it_hands_over_to_the_other() {
    client.resource(runningPod("shop", "web-1", "node-1", Instant.now(), "10.0.0.5").build()).create();
    RecordingPublisher toA = new RecordingPublisher();
    RecordingPublisher toB = new RecordingPublisher();
    KubernetesMetadataSource a = start("streams-0", toA);
    await().until(a::isLeader);
    KubernetesMetadataSource b = start("streams-1", toB);
    await().until(() -> toA.seen().size() == 1);

    client.resource(runningPod("shop", "web-2", "node-1", Instant.now(), "10.0.0.6").build()).create();
    await().until(() -> toA.seen().size() == 2);
    assertThat(b.isLeader()).isFalse();
    assertThat(toB.seen()).isEmpty();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("streams-0");

    a.stop();
    await().until(b::isLeader);
    await().until(() -> toB.seen().size() == 2);
    assertThat(toB.batches()).as("the new leader publishes the full state at once").hasSize(1);
    assertThat(toA.seen()).hasSize(2);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("streams-1");
  }

  @Test
  void a_leader_whose_lease_was_taken_stops_publishing_until_it_wins_it_back() {
    RecordingPublisher toA = new RecordingPublisher();
    KubernetesMetadataSource a = start("streams-0", toA);
    await().until(a::isLeader);

    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    client.resource(new LeaseBuilder(lease()).editSpec().withHolderIdentity("intruder").withAcquireTime(now)
        .withRenewTime(now).endSpec().build()).update();
    await().until(() -> !a.isLeader());
    client.resource(runningPod("shop", "web-1", "node-1", Instant.now(), "10.0.0.5").build()).create();

    // the intruder never renews: once its lease expires, streams-0 leads again and publishes the state
    await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
    await().until(() -> toA.seen().size() == 1);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("streams-0");
  }

  private KubernetesMetadataSource start(String identity, RecordingPublisher publisher) {
    KubernetesMetadataSource source = new KubernetesMetadataSource(client,
        KubernetesSourceOptions.of(Duration.ofMinutes(10), NAMESPACE, LEASE, identity)
            .withLeaseTimings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)));
    sources.add(source);
    source.start(publisher);
    return source;
  }

  private Lease lease() {
    return client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
  }
}
