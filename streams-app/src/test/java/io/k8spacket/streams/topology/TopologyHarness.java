package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.pod;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * A production topology on the production config in a {@link TopologyTestDriver}, with the shared pods published
 * as metadata, Avro topics by name and the stores read back by name; what the topology tests share.
 */
final class TopologyHarness implements AutoCloseable {
  /** The production config with its own state directory. */
  static final StreamsAppConfig CONFIG = StreamsAppConfig.fromEnv(Map.of(
      "K8SPACKET_STREAMS_STATE_DIR", "target/topology-test-state"));
  /** The client pod web-1 every topology test starts with. */
  static final String WEB = "10.0.0.1";

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, EndpointMetadata> metadata;

  private TopologyHarness(Topology topology, Properties props) {
    driver = new TopologyTestDriver(topology, props);
    metadata = input(Topics.METADATA, EndpointMetadata.class);
  }

  /**
   * Starts {@code topology} on {@link #CONFIG} with {@code registry} for skipped records plus {@code extra}
   * properties, then publishes the pods web-1 ({@link #WEB}) and {@code serverName} (workload
   * {@code serverWorkload}, namespace shop) at {@code serverIp}, seen an hour before {@link Fixtures#T0}.
   */
  static TopologyHarness start(Topology topology, MeterRegistry registry, Properties extra, String serverIp,
      String serverName, String serverWorkload) {
    Properties props = CONFIG.streamsProperties();
    props.put(LogAndCountDeserializationHandler.METER_REGISTRY_CONFIG, registry);
    props.putAll(extra);
    TopologyHarness harness = new TopologyHarness(topology, props);
    harness.publish(pod(WEB, "web-1", "shop", "web", T0 - 3_600_000));
    harness.publish(pod(serverIp, serverName, "shop", serverWorkload, T0 - 3_600_000));
    return harness;
  }

  TopologyTestDriver driver() {
    return driver;
  }

  /** An input topic of Avro values with string keys. */
  <V extends SpecificRecord> TestInputTopic<String, V> input(String topic, Class<V> type) {
    return driver.createInputTopic(topic, new StringSerializer(), AvroSerde.of(type).serializer());
  }

  /** An output topic of Avro values with string keys. */
  <V extends SpecificRecord> TestOutputTopic<String, V> output(String topic, Class<V> type) {
    return driver.createOutputTopic(topic, new StringDeserializer(), AvroSerde.of(type).deserializer());
  }

  /** Metadata as the publisher writes it: keyed by IP, timestamped with its change time. */
  void publish(EndpointMetadata m) {
    metadata.pipeInput(m.getIp(), m, m.getChangedAtMs());
  }

  /** Every window of the timestamped window store {@code store}, values unwrapped. */
  <V> List<KeyValue<Windowed<String>, V>> windows(String store) {
    WindowStore<String, ValueAndTimestamp<V>> windows = driver.getTimestampedWindowStore(store);
    List<KeyValue<Windowed<String>, V>> all = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<V>> it = windows.all()) {
      it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, kv.value.value())));
    }
    return all;
  }

  /** The windows of the edge store. */
  List<KeyValue<Windowed<String>, EdgeStats>> edges() {
    return this.<EdgeStats>windows(ConnectionsTopology.EDGE_STORE).stream()
        .map(e -> KeyValue.pair(e.key, EdgeStats.newBuilder(e.value).setServerPorts(List.of()).build())).toList();
  }

  /**
   * The {@code serverPorts} of every window of the edge store, in store order: {@link #edges} leaves them out, so
   * the tests that are about counting compare the counters only.
   */
  List<List<Integer>> edgePorts() {
    return this.<EdgeStats>windows(ConnectionsTopology.EDGE_STORE).stream().map(e -> e.value.getServerPorts())
        .toList();
  }

  /** Every entry of the key-value store {@code store}. */
  <V> List<KeyValue<String, V>> entries(String store) {
    KeyValueStore<String, V> entries = driver.getKeyValueStore(store);
    List<KeyValue<String, V>> all = new ArrayList<>();
    try (KeyValueIterator<String, V> it = entries.all()) {
      it.forEachRemaining(all::add);
    }
    return all;
  }

  /** Every entry of the timestamped key-value store {@code store}, values unwrapped. */
  <V> List<KeyValue<String, V>> timestampedEntries(String store) {
    KeyValueStore<String, ValueAndTimestamp<V>> entries = driver.getTimestampedKeyValueStore(store);
    List<KeyValue<String, V>> all = new ArrayList<>();
    try (KeyValueIterator<String, ValueAndTimestamp<V>> it = entries.all()) {
      it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, kv.value.value())));
    }
    return all;
  }

  @Override
  public void close() {
    driver.close();
  }

  /** A Deployment pod in namespace shop on {@code node}, as an edge or a session names it. */
  static Endpoint podEndpoint(String ip, String name, String workload, String node) {
    return new Endpoint(ip, name, "shop", workload, "Deployment", EndpointKind.POD, node);
  }

  /** The client pod web-1 on node-1. */
  static Endpoint web() {
    return podEndpoint(WEB, "web-1", "web", "node-1");
  }

  /** Edge stats without a Service (and without server ports, as {@link #edges} gives them). */
  static EdgeStats stats(Endpoint client, Endpoint server, long count, long persistent, long c2s, long s2c,
      long durationSum, long maxDuration, long lastSeen) {
    return stats(client, server, null, count, persistent, c2s, s2c, durationSum, maxDuration, lastSeen);
  }

  static EdgeStats stats(Endpoint client, Endpoint server, Endpoint service, long count, long persistent,
      long c2s, long s2c, long durationSum, long maxDuration, long lastSeen) {
    return new EdgeStats(client, server, count, persistent, c2s, s2c, durationSum, maxDuration, lastSeen,
        service, List.of());
  }
}
