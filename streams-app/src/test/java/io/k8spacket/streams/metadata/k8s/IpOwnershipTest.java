package io.k8spacket.streams.metadata.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.EndpointKind;
import io.k8spacket.streams.metadata.EndpointEntry;
import io.k8spacket.streams.metadata.MetadataChange;
import io.k8spacket.streams.metadata.k8s.K8sFixtures.Seen;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpOwnershipTest {
  private static final long NOW = 1_000_000;
  private static final long MAX_BACKDATE = 60_000;

  private final IpOwnership ownership = new IpOwnership();

  @Test
  void a_node_beats_a_service_beats_a_pod_on_the_same_ip() {
    ownership.update("pod/a", Map.of("10.0.0.1", pod("a")), Claims.POD_PRIORITY, NOW - 10, NOW, NOW);
    ownership.update("node/n", Map.of("10.0.0.1", node("n")), Claims.NODE_PRIORITY, NOW, NOW, NOW);
    ownership.update("service/s", Map.of("10.0.0.1", service("s")), Claims.SERVICE_PRIORITY, NOW, NOW, NOW);

    assertThat(publish()).extracting(Seen::name).containsExactly("n");
    ownership.remove("node/n", NOW + 5);
    assertThat(publish()).containsExactly(new Seen("10.0.0.1", "s", "shop", "s", "Service", EndpointKind.SERVICE,
        null, NOW));
  }

  @Test
  void times_stay_in_order_per_ip_never_in_the_future_nor_before_the_backdating_limit() {
    ownership.update("pod/a", Map.of("10.0.0.1", pod("a")), Claims.POD_PRIORITY, NOW - 5 * MAX_BACKDATE, NOW, NOW);
    assertThat(publish()).extracting(Seen::seenAtMs).containsExactly(NOW - MAX_BACKDATE);

    ownership.remove("pod/a", NOW - 2 * MAX_BACKDATE);
    assertThat(publish()).as("a release dated before the upsert").containsExactly(
        Seen.tombstone("10.0.0.1", NOW - MAX_BACKDATE));

    ownership.update("pod/b", Map.of("10.0.0.1", pod("b")), Claims.POD_PRIORITY, NOW + 500, NOW, NOW);
    assertThat(publish()).extracting(Seen::seenAtMs).containsExactly(NOW);
  }

  @Test
  void nothing_is_published_when_the_winner_did_not_change() {
    ownership.update("pod/a", Map.of("10.0.0.1", pod("a")), Claims.POD_PRIORITY, NOW, NOW, NOW);
    publish();

    ownership.update("pod/a", Map.of("10.0.0.1", pod("a")), Claims.POD_PRIORITY, NOW, NOW, NOW);
    ownership.update("pod/old", Map.of("10.0.0.1", pod("old")), Claims.POD_PRIORITY, NOW - 100, NOW, NOW);
    ownership.remove("pod/old", NOW);
    ownership.update("pod/gone", Map.of("10.0.0.2", pod("gone", "10.0.0.2")), Claims.POD_PRIORITY, NOW, NOW, NOW);
    ownership.remove("pod/gone", NOW);

    assertThat(publish()).isEmpty();
  }

  @Test
  void a_failed_publish_is_taken_again_with_the_same_times() {
    ownership.update("pod/a", Map.of("10.0.0.1", pod("a")), Claims.POD_PRIORITY, NOW - 100, NOW, NOW);
    List<MetadataChange> failed = ownership.takeChanges(NOW, MAX_BACKDATE);
    ownership.restore(failed);

    assertThat(ownership.takeChanges(NOW + 5_000, MAX_BACKDATE)).isEqualTo(failed);
  }

  private List<Seen> publish() {
    List<MetadataChange> changes = ownership.takeChanges(NOW, MAX_BACKDATE);
    ownership.published(changes);
    return changes.stream().map(Seen::of).toList();
  }

  private static EndpointEntry pod(String name) {
    return pod(name, "10.0.0.1");
  }

  private static EndpointEntry pod(String name, String ip) {
    return new EndpointEntry(ip, name, "shop", name, "Pod", EndpointKind.POD, "node-1");
  }

  private static EndpointEntry service(String name) {
    return new EndpointEntry("10.0.0.1", name, "shop", name, "Service", EndpointKind.SERVICE, null);
  }

  private static EndpointEntry node(String name) {
    return new EndpointEntry("10.0.0.1", name, null, name, "Node", EndpointKind.NODE, name);
  }
}
