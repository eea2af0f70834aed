package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.SeenObservation;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production topology and config in a TopologyTestDriver; stores asserted by name, times explicit. */
class ConnectionsTopologyTest {
  static final StreamsAppConfig CONFIG = StreamsAppConfig.fromEnv(Map.of(
      "K8SPACKET_STREAMS_STATE_DIR", "target/topology-test-state"));

  static final String WEB = "10.0.0.1";
  static final String DB = "10.0.0.2";
  static final String EDGE_WEB_DB = "10.0.0.1|web-1|shop|web>10.0.0.2|db-0|shop|db";

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<String, TcpConnectionEvent> tcp;
  TestInputTopic<String, EndpointMetadata> metadata;
  TestOutputTopic<String, Connection> connections;

  @BeforeEach
  void start() {
    Properties props = CONFIG.streamsProperties();
    props.put(LogAndCountDeserializationHandler.METER_REGISTRY_CONFIG, registry);
    driver = new TopologyTestDriver(ConnectionsTopology.buildTopology(CONFIG), props);
    tcp = driver.createInputTopic(Topics.TCP, new StringSerializer(),
        AvroSerde.of(TcpConnectionEvent.class).serializer());
    metadata = driver.createInputTopic(Topics.METADATA, new StringSerializer(),
        AvroSerde.of(EndpointMetadata.class).serializer());
    connections = driver.createOutputTopic(Topics.CONNECTIONS, new StringDeserializer(),
        AvroSerde.of(Connection.class).deserializer());
    publish(pod(WEB, "web-1", "shop", "web", T0 - 3_600_000));
    publish(pod(DB, "db-0", "shop", "db", T0 - 3_600_000));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void twin_observations_count_once_when_the_client_side_arrives_first() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 30_500, 100, 2000));
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 10_001, T0 + 30_499, 100, 2000));

    assertThat(edges()).extracting(e -> e.key.key(), e -> e.key.window().start(), e -> e.key.window().end(),
            e -> e.value)
        .containsExactly(tuple(EDGE_WEB_DB, T0, T0 + 60_000,
            stats(web(), db(), 1, 1, 100, 2000, 20_500, 20_500, T0 + 30_500)));
    List<KeyValue<String, Connection>> out = connections.readKeyValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).key).isEqualTo("shop/web");
    assertThat(out.get(0).value.getObserver()).isEqualTo(Observer.CLIENT);
    assertThat(out.get(0).value.getClient()).isEqualTo(web());
    assertThat(out.get(0).value.getServer()).isEqualTo(db());
    assertThat(pendingObservations()).isEmpty();
  }

  @Test
  void twin_observations_count_once_when_the_server_side_arrives_first() {
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 10_001, T0 + 30_499, 100, 2000));
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 30_500, 100, 2000));

    assertThat(edgeStats()).containsExactly(stats(web(), db(), 1, 1, 100, 2000, 20_498, 20_498, T0 + 30_499));
    List<KeyValue<String, Connection>> out = connections.readKeyValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).value.getObserver()).isEqualTo(Observer.SERVER);
    assertThat(pendingObservations()).isEmpty();
  }

  @Test
  void successive_connections_reusing_a_4_tuple_count_twice() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 1_000, T0 + 2_000, 10, 20));
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 6_000, 30, 40));
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 1_001, T0 + 1_999, 10, 20));
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 5_999, 30, 40));

    assertThat(edgeStats()).containsExactly(stats(web(), db(), 2, 0, 40, 60, 2_000, 1_000, T0 + 6_000));
    assertThat(connections.readValuesToList()).extracting(Connection::getOpenTimeNs)
        .containsExactly((T0 + 1_000) * 1_000_000L, (T0 + 5_000) * 1_000_000L);
    assertThat(pendingObservations()).isEmpty();
  }

  @Test
  void an_observation_without_a_twin_is_forgotten_after_the_match_retention() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 1_000, T0 + 2_000, 10, 20));
    assertThat(pendingObservations()).hasSize(1);
    // another connection advances stream time past close + 10 min: the sweep forgets the first observation
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 602_000, T0 + 602_001, 1, 1));
    assertThat(pendingObservations()).hasSize(1).allSatisfy(e -> assertThat(e.key).contains(" 40001 "));
    // so a very late twin is counted as a connection of its own
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 1_001, T0 + 1_999, 10, 20));

    assertThat(connections.readValuesToList()).hasSize(3);
  }

  @Test
  void connections_closing_at_59_999_s_and_60_000_s_land_in_different_windows() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 59_000, T0 + 59_999, 1, 2));
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 59_000, T0 + 60_000, 3, 4));

    assertThat(edges()).extracting(e -> e.key.window().start(), e -> e.key.window().end(),
            e -> e.value.getConnCount(), e -> e.value.getBytesClientToServer())
        .containsExactly(
            tuple(T0, T0 + 60_000, 1L, 1L),
            tuple(T0 + 60_000, T0 + 120_000, 1L, 3L));
  }

  @Test
  void both_ends_are_named_by_who_held_the_ip_at_close_time() {
    String ip = "10.0.0.9";
    String client = "10.0.0.8";
    publish(pod(ip, "api-a", "shop", "api-a", T0 - 60_000));
    publish(pod(client, "job-a", "batch", "job-a", T0 - 60_000));
    publish(pod(ip, "api-b", "shop", "api-b", T0 + 30_000));
    publish(pod(client, "job-b", "batch", "job-b", T0 + 30_000));

    pipe(event(Observer.CLIENT, client, 40000, ip, 8080, T0 + 1_000, T0 + 29_999, 1, 1));
    pipe(event(Observer.CLIENT, client, 40001, ip, 8080, T0 + 1_000, T0 + 30_001, 1, 1));

    assertThat(connections.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getClient().getName(),
            kv -> kv.value.getServer().getName())
        .containsExactly(
            tuple("batch/job-a", "job-a", "api-a"),
            tuple("batch/job-b", "job-b", "api-b"));
    assertThat(edges()).extracting(e -> e.key.key()).containsExactlyInAnyOrder(
        "10.0.0.8|job-a|batch|job-a>10.0.0.9|api-a|shop|api-a",
        "10.0.0.8|job-b|batch|job-b>10.0.0.9|api-b|shop|api-b");
  }

  @Test
  void an_ip_without_metadata_is_named_by_its_ip() {
    pipe(event(Observer.CLIENT, "192.0.2.7", 50000, "203.0.113.7", 443, T0 + 1_000, T0 + 2_000, 5, 6));

    Endpoint client = new Endpoint("192.0.2.7", "192.0.2.7", null, null, null, EndpointKind.UNKNOWN, null);
    Endpoint server = new Endpoint("203.0.113.7", "203.0.113.7", null, null, null, EndpointKind.UNKNOWN, null);
    KeyValue<String, Connection> out = connections.readKeyValue();
    assertThat(out.key).isEqualTo("192.0.2.7");
    assertThat(out.value.getClient()).isEqualTo(client);
    assertThat(out.value.getServer()).isEqualTo(server);
    assertThat(edges()).extracting(e -> e.key.key(), e -> e.value)
        .containsExactly(tuple("192.0.2.7|192.0.2.7||>203.0.113.7|203.0.113.7||",
            stats(client, server, 1, 0, 5, 6, 1_000, 1_000, T0 + 2_000)));
  }

  @Test
  void an_undecodable_record_is_skipped_and_counted_and_processing_continues() {
    TestInputTopic<String, byte[]> rawTcp = driver.createInputTopic(Topics.TCP, new StringSerializer(),
        new ByteArraySerializer());
    rawTcp.pipeInput(WEB, new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}, T0);
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 1_000, T0 + 2_000, 7, 8));

    assertThat(registry.get(LogAndCountDeserializationHandler.SKIPPED_METRIC).tag("topic", Topics.TCP)
        .counter().count()).isEqualTo(1.0);
    assertThat(edgeStats()).containsExactly(stats(web(), db(), 1, 0, 7, 8, 1_000, 1_000, T0 + 2_000));
  }

  @Test
  void only_connections_longer_than_the_threshold_are_persistent() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0, T0 + 10_000, 1, 1));
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0, T0 + 10_001, 1, 1));
    pipe(event(Observer.CLIENT, WEB, 40002, DB, 5432, T0 + 1_000, T0 + 1_500, 1, 1));

    assertThat(edgeStats()).containsExactly(stats(web(), db(), 3, 1, 3, 3, 20_501, 10_001, T0 + 10_001));
  }

  @Test
  void a_never_established_connection_counts_but_is_neither_persistent_nor_timed() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0, T0 + 2_000, 10, 20));
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 - 127_000, T0 + 3_000, 0, 0,
        CloseKind.NEVER_ESTABLISHED));

    assertThat(edgeStats()).containsExactly(stats(web(), db(), 2, 0, 10, 20, 2_000, 2_000, T0 + 3_000));
    assertThat(connections.readValuesToList()).extracting(Connection::getCloseKind)
        .containsExactly(CloseKind.NORMAL, CloseKind.NEVER_ESTABLISHED);
  }

  @Test
  void both_joins_read_one_versioned_table_in_one_sub_topology() {
    TopologyDescription description = ConnectionsTopology.buildTopology(CONFIG).describe();

    assertThat(description.subtopologies()).hasSize(2);
    assertThat(description.subtopologies()).filteredOn(s -> s.nodes().stream().map(TopologyDescription.Node::name)
            .toList().containsAll(List.of("name-client", "name-server", "metadata")))
        .hasSize(1);
  }

  private void publish(EndpointMetadata m) {
    metadata.pipeInput(m.getIp(), m, m.getChangedAtMs());
  }

  /** Agents produce with the record timestamp = now; the topology must use the close time instead. */
  private void pipe(TcpConnectionEvent e) {
    tcp.pipeInput(e.getClientIp(), e, 0L);
  }

  private List<KeyValue<Windowed<String>, EdgeStats>> edges() {
    WindowStore<String, ValueAndTimestamp<EdgeStats>> store =
        driver.getTimestampedWindowStore(ConnectionsTopology.EDGE_STORE);
    List<KeyValue<Windowed<String>, EdgeStats>> all = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<EdgeStats>> it = store.all()) {
      it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, kv.value.value())));
    }
    return all;
  }

  private List<EdgeStats> edgeStats() {
    return edges().stream().map(e -> e.value).toList();
  }

  private List<KeyValue<String, SeenObservation>> pendingObservations() {
    KeyValueStore<String, SeenObservation> store = driver.getKeyValueStore(ConnectionsTopology.COUNT_ONCE_STORE);
    List<KeyValue<String, SeenObservation>> all = new ArrayList<>();
    try (KeyValueIterator<String, SeenObservation> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    return all;
  }

  private static Endpoint web() {
    return new Endpoint(WEB, "web-1", "shop", "web", "Deployment", EndpointKind.POD, "node-1");
  }

  private static Endpoint db() {
    return new Endpoint(DB, "db-0", "shop", "db", "Deployment", EndpointKind.POD, "node-1");
  }

  private static EdgeStats stats(Endpoint client, Endpoint server, long count, long persistent, long c2s,
      long s2c, long durationSum, long maxDuration, long lastSeen) {
    return new EdgeStats(client, server, count, persistent, c2s, s2c, durationSum, maxDuration, lastSeen);
  }
}
