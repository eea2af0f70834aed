package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.TlsFixtures.AES128;
import static io.k8spacket.streams.topology.TlsFixtures.TLS13;
import static io.k8spacket.streams.topology.TlsFixtures.cutOff;
import static io.k8spacket.streams.topology.TlsFixtures.handshake;
import static io.k8spacket.streams.topology.TopologyHarness.CONFIG;
import static io.k8spacket.streams.topology.TopologyHarness.WEB;
import static io.k8spacket.streams.topology.TopologyHarness.podEndpoint;
import static io.k8spacket.streams.topology.TopologyHarness.stats;
import static io.k8spacket.streams.topology.TopologyHarness.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.avro.TlsSessionStats;
import io.k8spacket.schema.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers without metadata named by the SNI seen for their IP (and, when on, by a cached PTR name), through the
 * production topology ({@link AppTopology}) and config; stores asserted by name, times explicit.
 */
class ExternalServerNamesTest {
  static final String API = "10.0.0.2";
  static final String EXAMPLE = "93.184.216.34";
  static final String OTHER = "203.0.113.7";

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<String> ptrLookups = new ArrayList<>();
  TopologyHarness harness;
  TestInputTopic<String, TcpConnectionEvent> tcp;
  TestInputTopic<String, TlsHandshakeEvent> tls;
  TestOutputTopic<String, Connection> connections;
  TestOutputTopic<String, TlsSession> sessions;

  /** The topology with reverse DNS off (no cache in the properties, as in production by default). */
  void start() {
    start(new Properties());
  }

  void start(Properties extra) {
    harness = TopologyHarness.start(AppTopology.buildTopology(CONFIG), registry, extra, API, "api-0", "api");
    tcp = harness.input(Topics.TCP, TcpConnectionEvent.class);
    tls = harness.input(Topics.TLS, TlsHandshakeEvent.class);
    connections = harness.output(Topics.CONNECTIONS, Connection.class);
    sessions = harness.output(Topics.TLS_SESSIONS, TlsSession.class);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void a_connection_to_a_server_ip_seen_with_an_sni_is_named_by_it_in_the_topic_and_the_edge_store() {
    start();
    handshakeAt(EXAMPLE, "example.org", T0 + 1_000);
    connectionAt(40000, EXAMPLE, T0 + 1_000, T0 + 5_000);

    Endpoint server = new Endpoint(EXAMPLE, "example.org", null, null, null, EndpointKind.UNKNOWN, null);
    assertThat(connections.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getServer())
        .containsExactly(tuple("shop/web", server));
    assertThat(edges()).extracting(e -> e.key.key(), e -> e.key.window().start(), e -> e.value)
        .containsExactly(tuple("10.0.0.1|web-1|shop|web>93.184.216.34|example.org||", T0,
            stats(web(), server, 1, 0, 10, 20, 4_000, 4_000, T0 + 5_000)));
    assertThat(serverNameAt(EXAMPLE, T0 + 5_000)).isEqualTo("example.org");
  }

  @Test
  void a_connection_to_a_server_ip_without_an_sni_is_named_by_its_ip() {
    start();
    handshakeAt(EXAMPLE, "example.org", T0 + 1_000);
    connectionAt(40000, OTHER, T0 + 1_000, T0 + 5_000);

    assertThat(connections.readValuesToList()).extracting(Connection::getServer)
        .containsExactly(new Endpoint(OTHER, OTHER, null, null, null, EndpointKind.UNKNOWN, null));
    assertThat(edges()).extracting(e -> e.key.key())
        .containsExactly("10.0.0.1|web-1|shop|web>203.0.113.7|203.0.113.7||");
  }

  @Test
  void a_server_ip_with_metadata_keeps_its_metadata_name_though_an_sni_was_seen() {
    start();
    handshakeAt(API, "api.shop", T0 + 1_000);
    connectionAt(40000, API, T0 + 1_000, T0 + 5_000);

    Endpoint api = podEndpoint(API, "api-0", "api", "node-1");
    assertThat(connections.readValuesToList()).extracting(Connection::getServer).containsExactly(api);
    assertThat(sessions.readValuesToList()).extracting(TlsSession::getServer).containsExactly(api);
    assertThat(edges()).extracting(e -> e.key.key())
        .containsExactly("10.0.0.1|web-1|shop|web>10.0.0.2|api-0|shop|api");
  }

  @Test
  void tls_sessions_to_an_external_server_show_their_sni_and_one_without_takes_the_latest_seen() {
    start();
    handshakeAt(EXAMPLE, "example.org", T0 + 1_000);
    tls.pipeInput(WEB, cutOff(WEB, EXAMPLE, 443, T0 + 2_000), 0L); // no SNI, no ServerHello

    assertThat(sessions.readValuesToList()).extracting(s -> s.getServer().getName(), TlsSession::getServerName)
        .containsExactly(tuple("example.org", "example.org"), tuple("example.org", null));
    assertThat(sessionWindows()).extracting(e -> e.key.key(), e -> e.value.getServer().getName())
        .containsExactlyInAnyOrder(
            tuple("10.0.0.1|web-1|shop|web>93.184.216.34|example.org|||443|example.org|0x0304|0x1301",
                "example.org"),
            tuple("10.0.0.1|web-1|shop|web>93.184.216.34|example.org|||443||-|-", "example.org"));
  }

  @Test
  void the_latest_sni_by_handshake_time_names_a_connection_as_of_its_close_and_a_late_handshake_takes_its_place() {
    start();
    connectionAt(40000, EXAMPLE, T0, T0 + 500);           // closed before any handshake: its IP
    handshakeAt(EXAMPLE, "a.example", T0 + 1_000);
    handshakeAt(EXAMPLE, "b.example", T0 + 3_000);
    connectionAt(40001, EXAMPLE, T0 + 1_000, T0 + 2_000); // a.example was the latest at its close
    connectionAt(40002, EXAMPLE, T0 + 3_000, T0 + 4_000); // b.example
    handshakeAt(EXAMPLE, "c.example", T0 + 2_500);        // late: goes between a and b, replaces neither
    connectionAt(40003, EXAMPLE, T0 + 2_500, T0 + 2_600); // c.example
    connectionAt(40004, EXAMPLE, T0 + 4_000, T0 + 5_000); // still b.example

    assertThat(connections.readValuesToList()).extracting(c -> c.getClientPort(), c -> c.getServer().getName())
        .containsExactly(tuple(40000, EXAMPLE), tuple(40001, "a.example"), tuple(40002, "b.example"),
            tuple(40003, "c.example"), tuple(40004, "b.example"));
    assertThat(serverNameAt(EXAMPLE, T0 + 999)).isNull();
    assertThat(serverNameAt(EXAMPLE, T0 + 2_600)).isEqualTo("c.example");
    assertThat(serverNameAt(EXAMPLE, T0 + 60_000)).isEqualTo("b.example");
  }

  @Test
  void with_reverse_dns_on_a_server_without_sni_takes_its_cached_ptr_name_on_later_connections() {
    Properties withCache = new Properties();
    withCache.put(ReverseDnsCache.CONFIG, new ReverseDnsCache(a -> {
      ptrLookups.add(a.getHostAddress());
      return Optional.of("host-7.example.net");
    }, Runnable::run, System::nanoTime, 100, Duration.ofHours(1)));
    start(withCache);
    handshakeAt(EXAMPLE, "example.org", T0 + 1_000);

    connectionAt(40000, OTHER, T0 + 1_000, T0 + 2_000);   // miss: named by IP, lookup queued
    connectionAt(40001, OTHER, T0 + 2_000, T0 + 3_000);   // answered
    connectionAt(40002, EXAMPLE, T0 + 2_000, T0 + 3_000); // the SNI wins, no lookup
    connectionAt(40003, API, T0 + 2_000, T0 + 3_000);     // metadata wins, no lookup

    assertThat(connections.readValuesToList()).extracting(c -> c.getServer().getName())
        .containsExactly(OTHER, "host-7.example.net", "example.org", "api-0");
    assertThat(ptrLookups).containsExactly(OTHER);
  }

  private void handshakeAt(String serverIp, String sni, long atMs) {
    tls.pipeInput(WEB, handshake(WEB, 50000, serverIp, 443, sni, TLS13, AES128, atMs, List.of()), 0L);
  }

  private void connectionAt(int clientPort, String serverIp, long openMs, long closeMs) {
    tcp.pipeInput(WEB, event(Observer.CLIENT, WEB, clientPort, serverIp, 443, openMs, closeMs, 10, 20), 0L);
  }

  private String serverNameAt(String ip, long atMs) {
    VersionedKeyValueStore<String, String> store = harness.driver().getVersionedKeyValueStore(TlsTopology.SERVER_NAME_STORE);
    VersionedRecord<String> r = store.get(ip, atMs);
    return r == null ? null : r.value();
  }

  private List<KeyValue<Windowed<String>, EdgeStats>> edges() {
    return harness.edges();
  }

  private List<KeyValue<Windowed<String>, TlsSessionStats>> sessionWindows() {
    return harness.windows(TlsTopology.SESSION_STORE);
  }
}
