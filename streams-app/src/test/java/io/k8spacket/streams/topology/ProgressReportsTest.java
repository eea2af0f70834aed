package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.service;
import static io.k8spacket.streams.topology.TopologyHarness.CONFIG;
import static io.k8spacket.streams.topology.TopologyHarness.WEB;
import static io.k8spacket.streams.topology.TopologyHarness.podEndpoint;
import static io.k8spacket.streams.topology.TopologyHarness.stats;
import static io.k8spacket.streams.topology.TopologyHarness.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.CountOnceState;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.SeenObservation;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Progress reports (closeKind OPEN, deltas since the socket's previous report) through the production topology:
 * each socket's reports and close are one sequence, counted once per connection, bytes in the window of their
 * report, the connection in the window of its close. Window 1 min, grace 2 min, twin wait 30 s (the defaults).
 */
class ProgressReportsTest {
  static final String DB = "10.0.0.2";
  static final String EDGE_WEB_DB = "10.0.0.1|web-1|shop|web>10.0.0.2|db-0|shop|db";
  static final String SHOP = "10.0.1.5";
  static final String API_SVC = "10.96.0.10";
  static final String BACKEND = "10.0.2.7";
  static final String EDGE_VIA_SERVICE = "10.0.1.5|shop-1|shop|shop>10.0.2.7|api-1|shop|api>10.96.0.10|api|shop|api";
  static final String EDGE_TO_SERVICE = "10.0.1.5|shop-1|shop|shop>10.96.0.10|api|shop|api>10.96.0.10|api|shop|api";
  static final long MIN = 60_000;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyHarness harness;
  TestInputTopic<String, TcpConnectionEvent> tcp;
  TestOutputTopic<String, Connection> connections;

  @BeforeEach
  void start() {
    harness = TopologyHarness.start(ConnectionsTopology.buildTopology(CONFIG), registry, new Properties(), DB,
        "db-0", "db");
    tcp = harness.input(Topics.TCP, TcpConnectionEvent.class);
    connections = harness.output(Topics.CONNECTIONS, Connection.class);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void a_client_socket_reporting_in_three_windows_adds_bytes_to_each_and_counts_the_connection_at_its_close() {
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 50_000, 10, 100));
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 110_000, 20, 200));
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 170_000, 40, 400));
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 190_000, 80, 800));

    assertThat(windows(EDGE_WEB_DB)).containsExactly(
        tuple(T0, stats(web(), db(), 0, 0, 10, 100, 0, 0, T0 + 50_000)),
        tuple(T0 + MIN, stats(web(), db(), 0, 0, 20, 200, 0, 0, T0 + 110_000)),
        tuple(T0 + 2 * MIN, stats(web(), db(), 0, 0, 40, 400, 0, 0, T0 + 170_000)),
        tuple(T0 + 3 * MIN, stats(web(), db(), 1, 1, 80, 800, 180_000, 180_000, T0 + 190_000)));
    assertThat(sum(EDGE_WEB_DB)).containsExactly(1L, 150L, 1500L);
    assertThat(connections.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getCloseKind(),
            kv -> kv.value.getCloseTimeNs(), kv -> kv.value.getOpenTimeNs(), kv -> kv.value.getBytesClientToServer())
        .containsExactly(
            tuple("shop/web", CloseKind.OPEN, ns(T0 + 50_000), ns(T0 + 10_000), 10L),
            tuple("shop/web", CloseKind.OPEN, ns(T0 + 110_000), ns(T0 + 10_000), 20L),
            tuple("shop/web", CloseKind.OPEN, ns(T0 + 170_000), ns(T0 + 10_000), 40L),
            tuple("shop/web", CloseKind.NORMAL, ns(T0 + 190_000), ns(T0 + 10_000), 80L));
    // one entry for the socket, extended by each record; unpaired, so kept for a late twin until close + 10 min
    assertThat(pending()).singleElement().satisfies(e -> {
      assertThat(e.value.getState()).isEqualTo(CountOnceState.COUNTING);
      assertThat(e.value.getCloseTimeNs()).isEqualTo(ns(T0 + 190_000));
      assertThat(e.value.getClosed()).isTrue();
    });
    assertThat(harness.<String>entries(ConnectionsTopology.COUNT_ONCE_DUE_STORE)).singleElement()
        .satisfies(e -> assertThat(e.key).startsWith(String.format("%019d ", T0 + 190_000 + 10 * MIN + 1)));
  }

  @Test
  void both_sockets_reporting_count_once_from_the_client_side_when_the_server_side_reports_first() {
    // the server socket reports twice before the client socket's first report: held, combined, then dropped
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 20_000, 10, 100));
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 35_000, 20, 200));
    assertThat(connections.isEmpty()).isTrue();
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 35_500, 30, 300));
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 50_500, 40, 400));
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 50_000, 40, 400));
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 65_000, 50, 500));
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 70_000, 5, 50));
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 65_500, 50, 500));
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 70_100, 5, 50));

    assertCountedOnceFromTheClientSide();
  }

  @Test
  void both_sockets_reporting_count_once_from_the_client_side_when_the_client_side_reports_first() {
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 35_500, 30, 300));
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 35_000, 30, 300));
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 50_000, 40, 400));
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 50_500, 40, 400));
    pipe(report(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 65_500, 50, 500));
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5_000, T0 + 70_100, 5, 50));
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 65_000, 50, 500));
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 5_001, T0 + 70_000, 5, 50));

    assertCountedOnceFromTheClientSide();
  }

  private void assertCountedOnceFromTheClientSide() {
    assertThat(windows(EDGE_WEB_DB)).containsExactly(
        tuple(T0, stats(web(), db(), 0, 0, 30 + 40, 300 + 400, 0, 0, T0 + 50_500)),
        tuple(T0 + MIN, stats(web(), db(), 1, 1, 50 + 5, 500 + 50, 65_100, 65_100, T0 + 70_100)));
    assertThat(connections.readValuesToList())
        .extracting(Connection::getObserver, Connection::getCloseKind, Connection::getBytesClientToServer)
        .containsExactly(tuple(Observer.CLIENT, CloseKind.OPEN, 30L), tuple(Observer.CLIENT, CloseKind.OPEN, 40L),
            tuple(Observer.CLIENT, CloseKind.OPEN, 50L), tuple(Observer.CLIENT, CloseKind.NORMAL, 5L));
    // both sockets closed and paired: nothing more can come, both entries are gone
    assertThat(pending()).isEmpty();
    assertThat(harness.entries(ConnectionsTopology.COUNT_ONCE_DUE_STORE)).isEmpty();
  }

  @Test
  void through_a_service_every_report_and_the_close_go_to_the_backend_pod_and_the_service() {
    publishServiceAndPods();
    // to a Service: held for the server side; its second report is combined into the first
    pipe(on("node-a", report(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 20_000, 10, 100)));
    pipe(on("node-a", report(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 35_000, 20, 200)));
    assertThat(connections.isEmpty()).isTrue();
    // the server socket on another node, late: its first report releases the combined one, merged
    pipe(on("node-b", report(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 20_001, 10, 100)));
    pipe(on("node-a", report(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 65_000, 40, 400)));
    pipe(on("node-b", report(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 35_001, 20, 200)));
    pipe(on("node-b", event(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 70_001, 48, 480)));
    pipe(on("node-a", event(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 70_000, 8, 80)));

    assertThat(windows(EDGE_VIA_SERVICE)).containsExactly(
        tuple(T0, stats(shop(), api1(), apiService(), 0, 0, 30, 300, 0, 0, T0 + 35_000)),
        tuple(T0 + MIN, stats(shop(), api1(), apiService(), 1, 1, 48, 480, 65_000, 65_000, T0 + 70_000)));
    assertThat(harness.edges()).extracting(e -> e.key.key()).containsOnly(EDGE_VIA_SERVICE);
    assertThat(connections.readValuesToList())
        .extracting(Connection::getObserver, Connection::getNode, c -> c.getServer().getName(),
            Connection::getServerPort, c -> c.getService().getName(), Connection::getServicePort,
            Connection::getCloseKind, Connection::getBytesServerToClient, Connection::getCloseTimeNs)
        .containsExactly(
            tuple(Observer.CLIENT, "node-a", "api-1", 8080, "api", 80, CloseKind.OPEN, 300L, ns(T0 + 35_000)),
            tuple(Observer.CLIENT, "node-a", "api-1", 8080, "api", 80, CloseKind.OPEN, 400L, ns(T0 + 65_000)),
            tuple(Observer.CLIENT, "node-a", "api-1", 8080, "api", 80, CloseKind.NORMAL, 80L, ns(T0 + 70_000)));
    assertThat(pending()).isEmpty();
  }

  @Test
  void a_server_side_after_the_hold_ended_names_the_backend_in_the_client_sides_later_records() {
    publishServiceAndPods();
    pipe(report(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 20_000, 10, 100));
    // 30 s later the client side's own report ends the hold: the held report counts alone, then this one
    pipe(report(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 50_000, 20, 200));
    pipe(report(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 50_001, 30, 300));
    pipe(report(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 65_000, 40, 400));
    pipe(event(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 70_001, 40, 400));
    pipe(event(Observer.CLIENT, SHOP, 41000, API_SVC, 80, T0 + 5_000, T0 + 70_000, 0, 0));

    assertThat(harness.edges()).extracting(e -> e.key.key(), e -> e.key.window().start(), e -> e.value)
        .containsExactlyInAnyOrder(
            tuple(EDGE_TO_SERVICE, T0, stats(shop(), apiService(), apiService(), 0, 0, 30, 300, 0, 0, T0 + 50_000)),
            tuple(EDGE_VIA_SERVICE, T0 + MIN,
                stats(shop(), api1(), apiService(), 1, 1, 40, 400, 65_000, 65_000, T0 + 70_000)));
    assertThat(connections.readValuesToList()).extracting(c -> c.getServer().getName(), Connection::getCloseTimeNs)
        .containsExactly(tuple("api", ns(T0 + 20_000)), tuple("api", ns(T0 + 50_000)),
            tuple("api-1", ns(T0 + 65_000)), tuple("api-1", ns(T0 + 70_000)));
  }

  @Test
  void a_server_side_of_an_external_client_counts_its_reports_and_its_close() {
    String client = "192.0.2.7";
    pipe(report(Observer.SERVER, client, 50000, DB, 5432, T0 + 30_000, T0 + 45_000, 1, 10));
    pipe(report(Observer.SERVER, client, 50000, DB, 5432, T0 + 30_000, T0 + 60_000, 2, 20));
    pipe(event(Observer.SERVER, client, 50000, DB, 5432, T0 + 30_000, T0 + 61_000, 4, 40, CloseKind.RESET));

    Endpoint external = new Endpoint(client, client, null, null, null, EndpointKind.UNKNOWN, null);
    assertThat(windows("192.0.2.7|192.0.2.7||>10.0.0.2|db-0|shop|db")).containsExactly(
        tuple(T0, stats(external, db(), 0, 0, 1, 10, 0, 0, T0 + 45_000)),
        tuple(T0 + MIN, stats(external, db(), 1, 1, 2 + 4, 20 + 40, 31_000, 31_000, T0 + 61_000)));
    assertThat(connections.readValuesToList()).extracting(Connection::getObserver, Connection::getCloseKind)
        .containsExactly(tuple(Observer.SERVER, CloseKind.OPEN), tuple(Observer.SERVER, CloseKind.OPEN),
            tuple(Observer.SERVER, CloseKind.RESET));
  }

  @Test
  void a_held_server_side_without_twin_counts_its_combined_reports_in_the_latest_ones_window_when_the_hold_ends() {
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 30_000, T0 + 45_000, 1, 10));   // held until T0+75s
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 30_000, T0 + 60_000, 2, 20));   // combined
    assertThat(connections.isEmpty()).isTrue();
    pipe(report(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 30_000, T0 + 75_000, 4, 40));   // ends the hold
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 30_000, T0 + 130_000, 8, 80));

    // the first report's bytes (T0+45s) moved to the window of the report they were combined with (T0+60s)
    assertThat(windows(EDGE_WEB_DB)).containsExactly(
        tuple(T0 + MIN, stats(web(), db(), 0, 0, 1 + 2 + 4, 10 + 20 + 40, 0, 0, T0 + 75_000)),
        tuple(T0 + 2 * MIN, stats(web(), db(), 1, 1, 8, 80, 100_000, 100_000, T0 + 130_000)));
    assertThat(connections.readValuesToList())
        .extracting(Connection::getCloseKind, Connection::getCloseTimeNs, Connection::getBytesClientToServer)
        .containsExactly(tuple(CloseKind.OPEN, ns(T0 + 60_000), 3L), tuple(CloseKind.OPEN, ns(T0 + 75_000), 4L),
            tuple(CloseKind.NORMAL, ns(T0 + 130_000), 8L));
  }

  @Test
  void a_late_report_within_the_grace_counts_in_its_window_and_one_beyond_the_grace_is_dropped_from_the_edges() {
    // grace 2 min: window [T0, T0+60s) accepts records until stream time passes T0+180s
    pipe(event(Observer.CLIENT, WEB, 41002, DB, 5432, T0 + 169_000, T0 + 170_000, 1000, 1000)); // stream time T0+170s
    pipe(report(Observer.CLIENT, WEB, 41001, DB, 5432, T0 + 1_000, T0 + 50_000, 1, 10));       // late, within grace
    pipe(event(Observer.CLIENT, WEB, 41003, DB, 5432, T0 + 189_000, T0 + 190_000, 1000, 1000)); // stream time T0+190s
    pipe(report(Observer.CLIENT, WEB, 41001, DB, 5432, T0 + 1_000, T0 + 58_000, 2, 20));       // late, beyond grace
    pipe(event(Observer.CLIENT, WEB, 41001, DB, 5432, T0 + 1_000, T0 + 195_000, 4, 40));       // on time

    assertThat(windows(EDGE_WEB_DB)).containsExactly(
        tuple(T0, stats(web(), db(), 0, 0, 1, 10, 0, 0, T0 + 50_000)),
        tuple(T0 + 2 * MIN, stats(web(), db(), 1, 0, 1000, 1000, 1_000, 1_000, T0 + 170_000)),
        tuple(T0 + 3 * MIN, stats(web(), db(), 2, 1, 1000 + 4, 1000 + 40, 1_000 + 194_000, 194_000, T0 + 195_000)));
    // the enriched topic still carries every record: only the expired window refuses the late one
    assertThat(connections.readValuesToList()).filteredOn(c -> c.getClientPort() == 41001)
        .extracting(Connection::getCloseKind, Connection::getBytesClientToServer)
        .containsExactly(tuple(CloseKind.OPEN, 1L), tuple(CloseKind.OPEN, 2L), tuple(CloseKind.NORMAL, 4L));
  }

  @Test
  void a_close_from_an_agent_before_progress_reports_still_counts() {
    TestInputTopic<String, byte[]> raw = harness.driver().createInputTopic(Topics.TCP, new StringSerializer(),
        new ByteArraySerializer());
    TcpConnectionEvent e = event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 1_000, T0 + 2_000, 7, 8);
    raw.pipeInput(WEB, CompatibleSerdeTest.encode(e, CompatibleSerde.beforeOpen(TcpConnectionEvent.getClassSchema())),
        0L);

    assertThat(windows(EDGE_WEB_DB))
        .containsExactly(tuple(T0, stats(web(), db(), 1, 0, 7, 8, 1_000, 1_000, T0 + 2_000)));
    assertThat(registry.find(LogAndCountDeserializationHandler.SKIPPED_METRIC).counters()).isEmpty();
  }

  /** A progress report: {@code reportMs} is its time, bytes are the deltas since the previous one. */
  private static TcpConnectionEvent report(Observer observer, String clientIp, int clientPort, String serverIp,
      int serverPort, long openMs, long reportMs, long bytesC2s, long bytesS2c) {
    return event(observer, clientIp, clientPort, serverIp, serverPort, openMs, reportMs, bytesC2s, bytesS2c,
        CloseKind.OPEN);
  }

  private static TcpConnectionEvent on(String node, TcpConnectionEvent e) {
    return TcpConnectionEvent.newBuilder(e).setNode(node).build();
  }

  /** Agents produce with the record timestamp = now; the topology uses the close (report) time instead. */
  private void pipe(TcpConnectionEvent e) {
    tcp.pipeInput(e.getClientIp(), e, 0L);
  }

  /** The windows of {@code edgeKey}: start and value. */
  private List<Tuple> windows(String edgeKey) {
    return harness.edges().stream().filter(e -> e.key.key().equals(edgeKey))
        .map(e -> tuple(e.key.window().start(), e.value)).toList();
  }

  /** connCount and bytes of {@code edgeKey} summed over its windows. */
  private List<Long> sum(String edgeKey) {
    List<EdgeStats> all = harness.edges().stream().filter(e -> e.key.key().equals(edgeKey))
        .map(e -> e.value).toList();
    return List.of(all.stream().mapToLong(EdgeStats::getConnCount).sum(),
        all.stream().mapToLong(EdgeStats::getBytesClientToServer).sum(),
        all.stream().mapToLong(EdgeStats::getBytesServerToClient).sum());
  }

  private List<KeyValue<String, SeenObservation>> pending() {
    return harness.entries(ConnectionsTopology.COUNT_ONCE_STORE);
  }

  /** Client pod shop-1 (node-a), Service api (cluster IP), its backend pod api-1 (node-b). */
  private void publishServiceAndPods() {
    harness.publish(new EndpointMetadata(SHOP, "shop-1", "shop", "shop", "Deployment", EndpointKind.POD, "node-a",
        T0 - 3_600_000));
    harness.publish(service(API_SVC, "api", "shop", T0 - 3_600_000));
    harness.publish(new EndpointMetadata(BACKEND, "api-1", "shop", "api", "Deployment", EndpointKind.POD, "node-b",
        T0 - 3_600_000));
  }

  private static long ns(long ms) {
    return ms * 1_000_000L;
  }

  private static Endpoint shop() {
    return podEndpoint(SHOP, "shop-1", "shop", "node-a");
  }

  private static Endpoint api1() {
    return podEndpoint(BACKEND, "api-1", "api", "node-b");
  }

  private static Endpoint apiService() {
    return new Endpoint(API_SVC, "api", "shop", "api", "Service", EndpointKind.SERVICE, null);
  }

  private static Endpoint db() {
    return podEndpoint(DB, "db-0", "db", "node-1");
  }
}
