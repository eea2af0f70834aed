package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.pod;
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
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Windowed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The production topology and config in a TopologyTestDriver; stores asserted by name, times explicit. */
class ConnectionsTopologyTest {
  static final String DB = "10.0.0.2";
  static final String EDGE_WEB_DB = "10.0.0.1|web-1|shop|web>10.0.0.2|db-0|shop|db";
  static final String SHOP = "10.0.1.5";
  static final String DNS_SVC = "10.96.0.10";
  static final String BACKEND = "10.0.2.7";
  static final String BACKEND_2 = "10.0.2.8";

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  TopologyHarness harness;
  TestInputTopic<String, TcpConnectionEvent> tcp;
  TestOutputTopic<String, Connection> connections;

  @BeforeEach
  void start() {
    harness = TopologyHarness.start(ConnectionsTopology.buildTopology(CONFIG), registry, new Properties(), DB, "db-0",
        "db");
    tcp = harness.input(Topics.TCP, TcpConnectionEvent.class);
    connections = harness.output(Topics.CONNECTIONS, Connection.class);
  }

  @AfterEach
  void stop() {
    harness.close();
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
  void twin_observations_count_once_from_the_client_side_when_the_server_side_arrives_first() {
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 10_001, T0 + 30_499, 100, 2000));
    // the client is a known pod: its socket's observation may come, so the server side waits for it
    assertThat(connections.isEmpty()).isTrue();
    assertThat(pendingObservations()).hasSize(1);
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 30_500, 100, 2000));

    assertThat(edgeStats()).containsExactly(stats(web(), db(), 1, 1, 100, 2000, 20_500, 20_500, T0 + 30_500));
    List<KeyValue<String, Connection>> out = connections.readKeyValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).value.getObserver()).isEqualTo(Observer.CLIENT);
    assertThat(out.get(0).value.getService()).isNull();
    assertThat(pendingObservations()).isEmpty();
    assertThat(dueDeadlines()).isEmpty();
  }

  @Test
  void twins_from_two_nodes_count_once_from_the_client_node() {
    pipe(on("node-b", event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 10_003, T0 + 30_497, 99, 1999)));
    pipe(on("node-a", event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 10_000, T0 + 30_500, 100, 2000)));
    pipe(on("node-a", event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 40_000, T0 + 41_000, 1, 2)));
    pipe(on("node-b", event(Observer.SERVER, WEB, 40001, DB, 5432, T0 + 40_002, T0 + 40_999, 1, 2)));

    assertThat(connections.readValuesToList())
        .extracting(Connection::getClientPort, Connection::getObserver, Connection::getNode,
            Connection::getBytesClientToServer)
        .containsExactly(tuple(40000, Observer.CLIENT, "node-a", 100L), tuple(40001, Observer.CLIENT, "node-a", 1L));
    assertThat(edgeStats()).containsExactly(stats(web(), db(), 2, 1, 101, 2002, 21_500, 20_500, T0 + 41_000));
    assertThat(pendingObservations()).isEmpty();
  }

  @Test
  void through_a_service_cluster_ip_the_client_side_counts_with_the_backend_pod_client_side_first() {
    publishServiceAndPods();
    pipe(on("node-a", event(Observer.CLIENT, SHOP, 41000, DNS_SVC, 80, T0 + 5_000, T0 + 7_000, 300, 4000)));
    // to a Service: waits for the server side, which knows the backend
    assertThat(connections.isEmpty()).isTrue();
    pipe(on("node-b", event(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 6_999, 299, 3999)));

    assertCountedThroughTheService(Observer.CLIENT);
  }

  @Test
  void through_a_service_cluster_ip_the_client_side_counts_with_the_backend_pod_server_side_first() {
    publishServiceAndPods();
    pipe(on("node-b", event(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 6_999, 299, 3999)));
    assertThat(connections.isEmpty()).isTrue();
    pipe(on("node-a", event(Observer.CLIENT, SHOP, 41000, DNS_SVC, 80, T0 + 5_000, T0 + 7_000, 300, 4000)));

    assertCountedThroughTheService(Observer.SERVER);
  }

  private void assertCountedThroughTheService(Observer first) {
    List<KeyValue<String, Connection>> out = connections.readKeyValuesToList();
    assertThat(out).as("%s side first", first).hasSize(1);
    Connection c = out.get(0).value;
    assertThat(out.get(0).key).isEqualTo("shop/shop");
    assertThat(c.getObserver()).isEqualTo(Observer.CLIENT);
    assertThat(c.getNode()).isEqualTo("node-a");
    assertThat(c.getClient()).isEqualTo(shop());
    assertThat(c.getClientPort()).isEqualTo(41000);
    assertThat(c.getServer()).isEqualTo(backend(BACKEND, "api-1"));
    assertThat(c.getServerPort()).isEqualTo(8080);
    assertThat(c.getService()).isEqualTo(apiService());
    assertThat(c.getServicePort()).isEqualTo(80);
    assertThat(c.getBytesClientToServer()).isEqualTo(300L);
    assertThat(c.getBytesServerToClient()).isEqualTo(4000L);
    assertThat(c.getCloseTimeNs()).isEqualTo((T0 + 7_000) * 1_000_000L);
    assertThat(edges()).extracting(e -> e.key.key(), e -> e.key.window().start(), e -> e.value)
        .containsExactly(tuple("10.0.1.5|shop-1|shop|shop>10.0.2.7|api-1|shop|api>10.96.0.10|api|shop|api", T0,
            stats(shop(), backend(BACKEND, "api-1"), apiService(), 1, 0, 300, 4000, 2_000, 2_000, T0 + 7_000)));
    assertThat(pendingObservations()).isEmpty();
    assertThat(dueDeadlines()).isEmpty();
  }

  @Test
  void through_a_service_without_an_observed_server_side_the_service_stays_the_server_after_the_twin_wait() {
    publishServiceAndPods();
    pipe(on("node-a", event(Observer.CLIENT, SHOP, 41000, DNS_SVC, 80, T0 + 5_000, T0 + 7_000, 300, 4000)));
    pipe(event(Observer.CLIENT, "192.0.2.1", 50000, DB, 5432, T0 + 36_000, T0 + 36_999, 1, 1));
    assertThat(connections.readValuesToList()).extracting(c -> c.getClient().getIp())
        .containsExactly("192.0.2.1");
    // stream time reaches close + 30 s: counted alone, in its close-time window
    pipe(event(Observer.CLIENT, "192.0.2.1", 50001, DB, 5432, T0 + 36_000, T0 + 37_000, 1, 1));

    List<Connection> out = connections.readValuesToList();
    assertThat(out).extracting(c -> c.getClient().getIp()).containsExactlyInAnyOrder("192.0.2.1", "10.0.1.5");
    Connection alone = out.stream().filter(c -> c.getClient().getIp().equals(SHOP)).findFirst().orElseThrow();
    assertThat(alone.getServer()).isEqualTo(apiService());
    assertThat(alone.getServerPort()).isEqualTo(80);
    assertThat(alone.getService()).isEqualTo(apiService());
    assertThat(alone.getServicePort()).isEqualTo(80);
    assertThat(alone.getBytesClientToServer()).isEqualTo(300L);
    assertThat(edges()).filteredOn(e -> e.key.key().startsWith("10.0.1.5|"))
        .extracting(e -> e.key.key(), e -> e.key.window().start(), e -> e.value)
        .containsExactly(tuple("10.0.1.5|shop-1|shop|shop>10.96.0.10|api|shop|api>10.96.0.10|api|shop|api", T0,
            stats(shop(), apiService(), apiService(), 1, 0, 300, 4000, 2_000, 2_000, T0 + 7_000)));
  }

  @Test
  void edges_through_a_service_and_direct_ones_to_the_same_backend_stay_apart_in_the_edge_store() {
    publishServiceAndPods();
    pipe(on("node-a", event(Observer.CLIENT, SHOP, 41000, DNS_SVC, 80, T0 + 5_000, T0 + 7_000, 300, 4000)));
    pipe(on("node-b", event(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 5_001, T0 + 6_999, 299, 3999)));
    pipe(on("node-a", event(Observer.CLIENT, SHOP, 41001, BACKEND, 8080, T0 + 8_000, T0 + 9_000, 10, 20)));
    pipe(on("node-b", event(Observer.SERVER, SHOP, 41001, BACKEND, 8080, T0 + 8_001, T0 + 8_999, 10, 20)));

    assertThat(edges()).extracting(e -> e.key.key(), e -> e.value)
        .containsExactlyInAnyOrder(
            tuple("10.0.1.5|shop-1|shop|shop>10.0.2.7|api-1|shop|api>10.96.0.10|api|shop|api",
                stats(shop(), backend(BACKEND, "api-1"), apiService(), 1, 0, 300, 4000, 2_000, 2_000, T0 + 7_000)),
            tuple("10.0.1.5|shop-1|shop|shop>10.0.2.7|api-1|shop|api",
                stats(shop(), backend(BACKEND, "api-1"), 1, 0, 10, 20, 1_000, 1_000, T0 + 9_000)));
    assertThat(pendingObservations()).isEmpty();
  }

  @Test
  void a_reused_client_port_through_a_service_pairs_each_connection_with_its_own_backend() {
    publishServiceAndPods();
    publish(new EndpointMetadata(BACKEND_2, "api-2", "shop", "api", "Deployment", EndpointKind.POD, "node-c",
        T0 - 3_600_000));
    pipe(event(Observer.CLIENT, SHOP, 41000, DNS_SVC, 80, T0 + 1_000, T0 + 2_000, 10, 20));
    pipe(event(Observer.CLIENT, SHOP, 41000, DNS_SVC, 80, T0 + 5_000, T0 + 6_000, 30, 40));
    pipe(event(Observer.SERVER, SHOP, 41000, BACKEND_2, 8080, T0 + 5_001, T0 + 5_999, 30, 40));
    pipe(event(Observer.SERVER, SHOP, 41000, BACKEND, 8080, T0 + 1_001, T0 + 1_999, 10, 20));

    assertThat(connections.readValuesToList())
        .extracting(c -> c.getServer().getName(), Connection::getBytesClientToServer, c -> c.getService().getName())
        .containsExactly(tuple("api-2", 30L, "api"), tuple("api-1", 10L, "api"));
    assertThat(pendingObservations()).isEmpty();
  }

  @Test
  void an_external_client_counts_at_once_from_the_server_side() {
    pipe(event(Observer.SERVER, "192.0.2.7", 50000, DB, 5432, T0 + 1_000, T0 + 2_000, 5, 6));

    List<Connection> out = connections.readValuesToList();
    assertThat(out).extracting(Connection::getObserver, c -> c.getClient().getKind(), c -> c.getServer().getName())
        .containsExactly(tuple(Observer.SERVER, EndpointKind.UNKNOWN, "db-0"));
    assertThat(edges()).extracting(e -> e.key.key(), e -> e.key.window().start(), e -> e.value.getConnCount())
        .containsExactly(tuple("192.0.2.7|192.0.2.7||>10.0.0.2|db-0|shop|db", T0, 1L));
  }

  @Test
  void a_server_side_of_a_known_client_without_twin_counts_once_after_the_twin_wait_in_its_window() {
    pipe(event(Observer.SERVER, WEB, 40000, DB, 5432, T0 + 1_000, T0 + 2_000, 10, 20));
    // other connections move stream time: 1 ms before close + 30 s nothing, at close + 30 s the held one counts
    pipe(event(Observer.CLIENT, "192.0.2.1", 50000, DB, 5432, T0 + 31_000, T0 + 31_999, 1, 1));
    assertThat(connections.readValuesToList()).extracting(Connection::getClientPort).containsExactly(50000);
    pipe(event(Observer.CLIENT, "192.0.2.1", 50001, DB, 5432, T0 + 31_000, T0 + 32_000, 1, 1));
    assertThat(connections.readValuesToList()).extracting(Connection::getClientPort, Connection::getObserver)
        .containsExactlyInAnyOrder(tuple(50001, Observer.CLIENT), tuple(40000, Observer.SERVER));
    // a client twin arriving after that is not counted again
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 999, T0 + 2_001, 10, 20));
    pipe(event(Observer.CLIENT, "192.0.2.1", 50002, DB, 5432, T0 + 100_000, T0 + 100_001, 1, 1));

    assertThat(connections.readValuesToList()).extracting(Connection::getClientPort).containsExactly(50002);
    assertThat(edges()).filteredOn(e -> e.key.key().equals(EDGE_WEB_DB))
        .extracting(e -> e.key.window().start(), e -> e.value)
        .containsExactly(tuple(T0, stats(web(), db(), 1, 0, 10, 20, 1_000, 1_000, T0 + 2_000)));
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
  void each_window_keeps_the_distinct_server_ports_of_its_connections_in_order() {
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 6432, T0 + 1_000, T0 + 2_000, 1, 2));
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 1_000, T0 + 3_000, 1, 2));
    pipe(event(Observer.CLIENT, WEB, 40002, DB, 6432, T0 + 1_000, T0 + 4_000, 1, 2));
    pipe(event(Observer.CLIENT, WEB, 40003, DB, 9187, T0 + 61_000, T0 + 62_000, 1, 2));

    assertThat(harness.edgePorts()).containsExactly(List.of(5432, 6432), List.of(9187));
  }

  @Test
  void a_late_connection_within_the_grace_counts_in_its_window_and_one_beyond_the_grace_is_dropped() {
    // grace is 2 min: window [T0, T0+60s) accepts records until stream time passes T0+180s
    pipe(event(Observer.CLIENT, WEB, 41001, DB, 5432, T0 + 9_000, T0 + 10_000, 1, 10));
    pipe(event(Observer.CLIENT, WEB, 41002, DB, 5432, T0 + 169_000, T0 + 170_000, 2, 20)); // stream time T0+170s
    pipe(event(Observer.CLIENT, WEB, 41003, DB, 5432, T0 + 49_000, T0 + 50_000, 4, 40));   // late, within grace
    pipe(event(Observer.CLIENT, WEB, 41004, DB, 5432, T0 + 189_000, T0 + 190_000, 8, 80)); // stream time T0+190s
    pipe(event(Observer.CLIENT, WEB, 41005, DB, 5432, T0 + 54_000, T0 + 55_000, 16, 160)); // late, beyond grace

    assertThat(edges()).extracting(e -> e.key.window().start(), e -> e.value.getConnCount(),
            e -> e.value.getBytesClientToServer(), e -> e.value.getBytesServerToClient())
        .containsExactly(
            tuple(T0, 2L, 1L + 4L, 10L + 40L),          // on time + late within the grace; not the one beyond
            tuple(T0 + 120_000, 1L, 2L, 20L),
            tuple(T0 + 180_000, 1L, 8L, 80L));
    // the enriched topic still carries every connection: only the expired window refuses it
    assertThat(connections.readValuesToList()).extracting(Connection::getClientPort)
        .containsExactly(41001, 41002, 41003, 41004, 41005);
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
    TestInputTopic<String, byte[]> rawTcp = harness.driver().createInputTopic(Topics.TCP, new StringSerializer(),
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

    assertThat(description.subtopologies()).hasSize(3);
    assertThat(description.subtopologies()).filteredOn(s -> s.nodes().stream().map(TopologyDescription.Node::name)
            .toList().containsAll(List.of("name-client", "name-server", "metadata")))
        .hasSize(1);
    // count-once runs after both names are known, repartitioned back by client IP
    assertThat(description.subtopologies()).filteredOn(s -> s.nodes().stream().map(TopologyDescription.Node::name)
            .toList().containsAll(List.of(ConnectionsTopology.BY_CLIENT_IP + "-repartition-source", "count-once")))
        .hasSize(1);
  }

  /** Client pod shop-1 (node-a), Service api (cluster IP), its backend pod api-1 (node-b). */
  private void publishServiceAndPods() {
    publish(new EndpointMetadata(SHOP, "shop-1", "shop", "shop", "Deployment", EndpointKind.POD, "node-a",
        T0 - 3_600_000));
    publish(service(DNS_SVC, "api", "shop", T0 - 3_600_000));
    publish(new EndpointMetadata(BACKEND, "api-1", "shop", "api", "Deployment", EndpointKind.POD, "node-b",
        T0 - 3_600_000));
  }

  private static TcpConnectionEvent on(String node, TcpConnectionEvent e) {
    return TcpConnectionEvent.newBuilder(e).setNode(node).build();
  }

  private void publish(EndpointMetadata m) {
    harness.publish(m);
  }

  /** Agents produce with the record timestamp = now; the topology must use the close time instead. */
  private void pipe(TcpConnectionEvent e) {
    tcp.pipeInput(e.getClientIp(), e, 0L);
  }

  private List<KeyValue<Windowed<String>, EdgeStats>> edges() {
    return harness.edges();
  }

  private List<EdgeStats> edgeStats() {
    return edges().stream().map(e -> e.value).toList();
  }

  private List<KeyValue<String, SeenObservation>> pendingObservations() {
    return harness.entries(ConnectionsTopology.COUNT_ONCE_STORE);
  }

  private List<KeyValue<String, String>> dueDeadlines() {
    return harness.entries(ConnectionsTopology.COUNT_ONCE_DUE_STORE);
  }

  private static Endpoint shop() {
    return podEndpoint(SHOP, "shop-1", "shop", "node-a");
  }

  private static Endpoint backend(String ip, String name) {
    return podEndpoint(ip, name, "api", "node-b");
  }

  private static Endpoint apiService() {
    return new Endpoint(DNS_SVC, "api", "shop", "api", "Service", EndpointKind.SERVICE, null);
  }

  private static Endpoint db() {
    return podEndpoint(DB, "db-0", "db", "node-1");
  }
}
