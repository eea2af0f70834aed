package io.k8spacket.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.cluster.Share;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.topology.AppTopology;
import io.k8spacket.streams.topology.ConnectionsTopology;
import io.k8spacket.streams.topology.TlsTopology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.internals.StreamsMetadataImpl;
import org.junit.jupiter.api.Test;

/** Plans over the production topology's description and hand-made metadata of three instances. */
class StoreOwnersTest {
  static final String APP = "k8spacket-streams";
  static final StreamsAppConfig CONFIG = StreamsAppConfig.fromEnv(Map.of(
      "K8SPACKET_STREAMS_APPLICATION_ID", APP, "K8SPACKET_STREAMS_STATE_DIR", "target/topology-test-state"));
  static final TopologyDescription TOPOLOGY = AppTopology.buildTopology(CONFIG).describe();
  static final HostInfo A = new HostInfo("10.0.0.1", 6676);
  static final HostInfo B = new HostInfo("10.0.0.2", 6676);
  static final HostInfo C = new HostInfo("fd00::3", 6676);
  static final String EDGES = APP + "-" + ConnectionsTopology.BY_EDGE + "-repartition";
  static final String SESSIONS = APP + "-" + TlsTopology.TLS_BY_SESSION + "-repartition";

  private KafkaStreams.State state = KafkaStreams.State.RUNNING;
  private final List<StreamsMetadata> clients = new ArrayList<>();
  private final StoreOwners owners = new StoreOwners(() -> state, () -> clients, TOPOLOGY, APP, A);

  @Test
  void a_store_s_partitions_are_the_input_partitions_of_its_sub_topology() {
    assertThat(StoreOwners.sourceTopics(TOPOLOGY, ConnectionsTopology.EDGE_STORE))
        .containsExactly(ConnectionsTopology.BY_EDGE + "-repartition");
    assertThat(StoreOwners.sourceTopics(TOPOLOGY, TlsTopology.SESSION_STORE))
        .containsExactly(TlsTopology.TLS_BY_SESSION + "-repartition");
    assertThat(StoreOwners.sourceTopics(TOPOLOGY, TlsTopology.CERTIFICATE_STORE))
        .containsExactly(TlsTopology.CERTIFICATES_BY_ENDPOINT + "-repartition");
  }

  @Test
  void each_rollup_store_shares_its_fine_store_s_partitions() {
    // the readers read both with the same partition numbers, so they must be tasks of one sub-topology
    assertThat(StoreOwners.sourceTopics(TOPOLOGY, ConnectionsTopology.EDGE_ROLLUP_STORE))
        .isEqualTo(StoreOwners.sourceTopics(TOPOLOGY, ConnectionsTopology.EDGE_STORE));
    assertThat(StoreOwners.sourceTopics(TOPOLOGY, TlsTopology.SESSION_ROLLUP_STORE))
        .isEqualTo(StoreOwners.sourceTopics(TOPOLOGY, TlsTopology.SESSION_STORE));
  }

  @Test
  void the_plan_gives_each_partition_to_its_one_active_owner_and_marks_this_instance() {
    clients.add(client(A, Set.of(tp(EDGES, 0), tp(EDGES, 3), tp(SESSIONS, 1), tp(Topics.TCP, 0)),
        Set.of(tp(EDGES, 1))));
    clients.add(client(B, Set.of(tp(EDGES, 1), tp(SESSIONS, 0)), Set.of()));
    clients.add(client(C, Set.of(tp(EDGES, 2), tp(SESSIONS, 2)), Set.of(tp(EDGES, 0))));

    assertThat(owners.plan(ConnectionsTopology.EDGE_STORE)).containsExactly(
        new Share("10.0.0.1:6676", true, Set.of(0, 3)),
        new Share("10.0.0.2:6676", false, Set.of(1)),
        new Share("[fd00::3]:6676", false, Set.of(2)));
    assertThat(owners.plan(TlsTopology.SESSION_STORE)).extracting(Share::peer, Share::partitions).containsExactly(
        tuple("10.0.0.1:6676", Set.of(1)),
        tuple("10.0.0.2:6676", Set.of(0)),
        tuple("[fd00::3]:6676", Set.of(2)));
  }

  @Test
  void an_instance_without_partitions_of_a_store_is_not_asked() {
    clients.add(client(A, Set.of(tp(EDGES, 0), tp(EDGES, 1)), Set.of()));
    clients.add(client(B, Set.of(tp(SESSIONS, 0)), Set.of(tp(EDGES, 0))));

    assertThat(owners.plan(ConnectionsTopology.EDGE_STORE))
        .containsExactly(new Share("10.0.0.1:6676", true, Set.of(0, 1)));
  }

  @Test
  void a_partition_owned_twice_or_by_nobody_refuses_the_plan() {
    clients.add(client(A, Set.of(tp(EDGES, 0), tp(EDGES, 1)), Set.of()));
    clients.add(client(B, Set.of(tp(EDGES, 1)), Set.of()));
    assertThatThrownBy(() -> owners.plan(ConnectionsTopology.EDGE_STORE))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("partition 1").hasMessageContaining("two");

    clients.clear();
    clients.add(client(A, Set.of(tp(EDGES, 0)), Set.of()));
    clients.add(client(B, Set.of(), Set.of(tp(EDGES, 2))));
    assertThatThrownBy(() -> owners.plan(ConnectionsTopology.EDGE_STORE))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("partitions [1, 2]");

    clients.clear();
    assertThatThrownBy(() -> owners.plan(ConnectionsTopology.EDGE_STORE))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("no active owner");
  }

  @Test
  void no_plan_while_this_instance_is_not_running() {
    clients.add(client(A, Set.of(tp(EDGES, 0)), Set.of()));
    state = KafkaStreams.State.REBALANCING;

    assertThatThrownBy(() -> owners.plan(ConnectionsTopology.EDGE_STORE))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("REBALANCING");
  }

  @Test
  void an_ipv6_address_is_bracketed() {
    assertThat(StoreOwners.address(C)).isEqualTo("[fd00::3]:6676");
    assertThat(StoreOwners.address(HostInfo.buildFromEndpoint("[fd00::4]:7000"))).isEqualTo("[fd00::4]:7000");
    assertThat(StoreOwners.address(A)).isEqualTo("10.0.0.1:6676");
  }

  private static TopicPartition tp(String topic, int partition) {
    return new TopicPartition(topic, partition);
  }

  private static StreamsMetadata client(HostInfo host, Set<TopicPartition> active, Set<TopicPartition> standby) {
    Collection<String> stores = List.of(ConnectionsTopology.EDGE_STORE, TlsTopology.SESSION_STORE);
    return new StreamsMetadataImpl(host, Set.copyOf(stores), active,
        standby.isEmpty() ? Set.of() : Set.copyOf(stores), standby);
  }
}
