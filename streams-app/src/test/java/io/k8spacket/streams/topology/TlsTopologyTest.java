package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.pod;
import static io.k8spacket.streams.topology.TlsFixtures.AES128;
import static io.k8spacket.streams.topology.TlsFixtures.API_LEAF;
import static io.k8spacket.streams.topology.TlsFixtures.API_LEAF_ROTATED;
import static io.k8spacket.streams.topology.TlsFixtures.ECDHE_RSA_AES256;
import static io.k8spacket.streams.topology.TlsFixtures.JA4;
import static io.k8spacket.streams.topology.TlsFixtures.SHOP_CA;
import static io.k8spacket.streams.topology.TlsFixtures.TLS12;
import static io.k8spacket.streams.topology.TlsFixtures.TLS13;
import static io.k8spacket.streams.topology.TlsFixtures.cutOff;
import static io.k8spacket.streams.topology.TlsFixtures.fetch;
import static io.k8spacket.streams.topology.TlsFixtures.handshake;
import static io.k8spacket.streams.topology.TopologyHarness.CONFIG;
import static io.k8spacket.streams.topology.TopologyHarness.WEB;
import static io.k8spacket.streams.topology.TopologyHarness.podEndpoint;
import static io.k8spacket.streams.topology.TopologyHarness.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.avro.TlsSessionStats;
import io.k8spacket.schema.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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

/** The production topology (TCP and TLS pages) in a TopologyTestDriver; stores asserted by name. */
class TlsTopologyTest {
  static final String API = "10.0.0.2";
  static final String API_KEY = "10.0.0.2:443|api.shop";
  static final String SESSION_WEB_API = "10.0.0.1|web-1|shop|web>10.0.0.2|api-0|shop|api|443|api.shop";

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  TopologyHarness harness;
  TestInputTopic<String, TlsHandshakeEvent> tls;
  TestOutputTopic<String, TlsSession> sessions;
  TestOutputTopic<String, Certificate> certificates;

  @BeforeEach
  void start() {
    Properties tlsMetrics = new Properties();
    tlsMetrics.put(TlsMetrics.CONFIG, new TlsMetrics(registry));
    harness = TopologyHarness.start(AppTopology.buildTopology(CONFIG), registry, tlsMetrics, API, "api-0", "api");
    tls = harness.input(Topics.TLS, TlsHandshakeEvent.class);
    sessions = harness.output(Topics.TLS_SESSIONS, TlsSession.class);
    certificates = harness.output(Topics.CERTIFICATES, Certificate.class);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void a_tls12_handshake_with_a_chain_and_a_tls13_one_without_are_named_written_and_counted_per_window() {
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 10_000, List.of(API_LEAF, SHOP_CA)));
    pipe(handshake(WEB, 40001, API, 443, "api.shop", TLS13, AES128, T0 + 20_000, List.of()));
    pipe(handshake(WEB, 40002, API, 443, "api.shop", TLS13, AES128, T0 + 59_999, List.of()));
    pipe(handshake(WEB, 40003, API, 443, "api.shop", TLS13, AES128, T0 + 60_000, List.of()));

    List<KeyValue<String, TlsSession>> out = sessions.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.key, kv -> kv.value.getClient(), kv -> kv.value.getServer(),
            kv -> kv.value.getServerName(), kv -> kv.value.getLeafSha256())
        .containsExactly(
            tuple("shop/web", web(), api(), "api.shop", "11".repeat(32)),
            tuple("shop/web", web(), api(), "api.shop", null),
            tuple("shop/web", web(), api(), "api.shop", null),
            tuple("shop/web", web(), api(), "api.shop", null));
    assertThat(out.get(0).value.getServerHello().getSelectedVersion()).isEqualTo(TLS12);
    assertThat(out.get(0).value.getClientPort()).isEqualTo(40000);
    assertThat(sessionWindows()).extracting(e -> e.key.key(), e -> e.key.window().start(),
            e -> e.value.getCount(), e -> e.value.getLastSeenMs())
        .containsExactlyInAnyOrder(
            tuple(SESSION_WEB_API + "|0x0303|0xC030", T0, 1L, T0 + 10_000),
            tuple(SESSION_WEB_API + "|0x0304|0x1301", T0, 2L, T0 + 59_999),
            tuple(SESSION_WEB_API + "|0x0304|0x1301", T0 + 60_000, 1L, T0 + 60_000));
    // the hourly rollup holds the same sessions summed over the hour
    assertThat(harness.<TlsSessionStats>windows(TlsTopology.SESSION_ROLLUP_STORE)).extracting(e -> e.key.key(),
            e -> e.key.window().start(), e -> e.key.window().end() - e.key.window().start(), e -> e.value.getCount(),
            e -> e.value.getLastSeenMs())
        .containsExactlyInAnyOrder(
            tuple(SESSION_WEB_API + "|0x0303|0xC030", T0, 3_600_000L, 1L, T0 + 10_000),
            tuple(SESSION_WEB_API + "|0x0304|0x1301", T0, 3_600_000L, 3L, T0 + 60_000));
  }

  @Test
  void a_session_window_keeps_the_latest_offer() {
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 10_000, List.of(API_LEAF, SHOP_CA)));

    TlsSessionStats stats = sessionWindows().get(0).value;
    assertThat(stats).isEqualTo(new TlsSessionStats(web(), api(), 443, "api.shop", TLS12, ECDHE_RSA_AES256, 1L,
        T0 + 10_000, List.of(TLS13, TLS12), List.of(AES128, 0x1302, ECDHE_RSA_AES256, 0xC02F), "h2",
        List.of("h2", "http/1.1"), JA4, "11".repeat(32)));
  }

  @Test
  void a_handshake_without_a_server_hello_is_a_session_without_version_or_suite() {
    pipe(cutOff(WEB, API, 8443, T0 + 5_000));

    assertThat(sessionWindows()).extracting(e -> e.key.key(), e -> e.value.getVersion(),
            e -> e.value.getCipherSuite())
        .containsExactly(tuple("10.0.0.1|web-1|shop|web>10.0.0.2|api-0|shop|api|8443||-|-", -1, -1));
    assertThat(sessions.readValuesToList()).hasSize(1);
  }

  @Test
  void the_certificate_store_holds_the_chain_first_and_last_seen_and_the_client_workloads() {
    String job = "10.0.0.8";
    publish(pod(job, "report-28391", "batch", "report", T0 - 3_600_000));
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 10_000, List.of(API_LEAF, SHOP_CA)));
    pipe(handshake(job, 40001, API, 443, "api.shop", TLS13, AES128, T0 + 20_000, List.of()));
    pipe(handshake(WEB, 40002, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 30_000, List.of(API_LEAF, SHOP_CA)));

    Endpoint report = new Endpoint(job, "report-28391", "batch", "report", "Deployment", EndpointKind.POD, "node-1");
    Certificate expected = new Certificate(API, 443, "api.shop", api(), CertificateSource.HANDSHAKE,
        List.of(API_LEAF, SHOP_CA), T0 + 10_000, T0 + 30_000, List.of(report, web()));
    assertThat(certificateStore()).containsExactly(KeyValue.pair(API_KEY, expected));
    assertThat(certificates.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getLastSeenMs())
        .containsExactly(tuple(API_KEY, T0 + 10_000), tuple(API_KEY, T0 + 20_000), tuple(API_KEY, T0 + 30_000));
  }

  @Test
  void a_certificate_fetch_updates_the_certificate_only() {
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 10_000, List.of(API_LEAF, SHOP_CA)));
    sessions.readValuesToList();
    List<KeyValue<Windowed<String>, TlsSessionStats>> windowsBefore = sessionWindows();

    pipe(fetch(API, 443, "api.shop", T0 + 40_000, List.of(API_LEAF_ROTATED, SHOP_CA)));

    assertThat(sessions.isEmpty()).isTrue();
    assertThat(sessionWindows()).isEqualTo(windowsBefore);
    Certificate expected = new Certificate(API, 443, "api.shop", api(), CertificateSource.ACTIVE_FETCH,
        List.of(API_LEAF_ROTATED, SHOP_CA), T0 + 40_000, T0 + 40_000, List.of(web()));
    assertThat(certificateStore()).containsExactly(KeyValue.pair(API_KEY, expected));
    assertThat(registry.find(TlsMetrics.HANDSHAKES).counters()).hasSize(1);
  }

  @Test
  void chainless_handshakes_start_an_unpublished_entry_whose_clients_a_later_fetch_publishes() {
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS13, AES128, T0 + 10_000, List.of()));

    assertThat(certificateStore()).containsExactly(KeyValue.pair(API_KEY, new Certificate(API, 443, "api.shop",
        api(), CertificateSource.NONE, List.of(), T0 + 10_000, T0 + 10_000, List.of(web()))));
    assertThat(certificates.isEmpty()).isTrue();

    pipe(fetch(API, 443, "api.shop", T0 + 11_000, List.of(API_LEAF, SHOP_CA)));

    Certificate published = new Certificate(API, 443, "api.shop", api(), CertificateSource.ACTIVE_FETCH,
        List.of(API_LEAF, SHOP_CA), T0 + 11_000, T0 + 11_000, List.of(web()));
    assertThat(certificates.readKeyValuesToList()).containsExactly(KeyValue.pair(API_KEY, published));

    pipe(handshake(WEB, 40001, API, 443, "api.shop", TLS13, AES128, T0 + 12_000, List.of()));

    assertThat(certificateStore().get(0).value.getChain()).containsExactly(API_LEAF, SHOP_CA);
    assertThat(certificateStore().get(0).value.getLastSeenMs()).isEqualTo(T0 + 12_000);
  }

  @Test
  void both_ends_are_named_by_who_held_the_ip_at_handshake_time() {
    String ip = "10.0.0.9";
    String client = "10.0.0.8";
    publish(pod(ip, "api-a", "shop", "api-a", T0 - 60_000));
    publish(pod(client, "job-a", "batch", "job-a", T0 - 60_000));
    publish(pod(ip, "api-b", "shop", "api-b", T0 + 30_000));
    publish(pod(client, "job-b", "batch", "job-b", T0 + 30_000));

    pipe(handshake(client, 40000, ip, 443, "api", TLS13, AES128, T0 + 29_999, List.of()));
    pipe(handshake(client, 40001, ip, 443, "api", TLS13, AES128, T0 + 30_001, List.of()));

    assertThat(sessions.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getClient().getName(),
            kv -> kv.value.getServer().getName())
        .containsExactly(tuple("batch/job-a", "job-a", "api-a"), tuple("batch/job-b", "job-b", "api-b"));
    assertThat(sessionWindows()).extracting(e -> e.key.key()).containsExactlyInAnyOrder(
        "10.0.0.8|job-a|batch|job-a>10.0.0.9|api-a|shop|api-a|443|api|0x0304|0x1301",
        "10.0.0.8|job-b|batch|job-b>10.0.0.9|api-b|shop|api-b|443|api|0x0304|0x1301");
  }

  @Test
  void an_undecodable_tls_record_is_skipped_and_counted_and_processing_continues() {
    TestInputTopic<String, byte[]> raw = harness.driver().createInputTopic(Topics.TLS, new StringSerializer(),
        new ByteArraySerializer());
    raw.pipeInput(WEB, new byte[] {(byte) 0xC3, 0x01, 9, 9, 9}, T0);
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS13, AES128, T0 + 1_000, List.of()));

    assertThat(registry.get(LogAndCountDeserializationHandler.SKIPPED_METRIC).tag("topic", Topics.TLS)
        .counter().count()).isEqualTo(1.0);
    assertThat(sessions.readValuesToList()).hasSize(1);
  }

  @Test
  void handshakes_are_counted_by_workloads_version_and_suite_and_expiry_is_a_gauge_in_seconds() {
    pipe(handshake(WEB, 40000, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 10_000, List.of(API_LEAF, SHOP_CA)));
    pipe(handshake(WEB, 40001, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 11_000, List.of(API_LEAF, SHOP_CA)));
    pipe(handshake(WEB, 40002, "203.0.113.7", 443, "example.org", TLS13, AES128, T0 + 12_000, List.of()));

    assertThat(registry.get(TlsMetrics.HANDSHAKES).tags("client_namespace", "shop", "client_workload", "web",
        "server_namespace", "shop", "server_workload", "api", "tls_version", "TLS 1.2",
        "cipher_suite", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").counter().count()).isEqualTo(2.0);
    assertThat(registry.get(TlsMetrics.HANDSHAKES).tags("server_namespace", "", "server_workload", "external",
        "tls_version", "TLS 1.3", "cipher_suite", "TLS_AES_128_GCM_SHA256").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(TlsMetrics.CERTIFICATE_EXPIRY).tags("server", "shop/api", "port", "443",
        "domain", "api.shop").gauge().value()).isEqualTo((double) ((T0 + 80 * TlsFixtures.DAY) / 1000));
    String scrape = registry.scrape();
    assertThat(scrape).contains("k8spacket_tls_handshakes_total{cipher_suite=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\","
        + "client_namespace=\"shop\",client_workload=\"web\",server_namespace=\"shop\",server_workload=\"api\","
        + "tls_version=\"TLS 1.2\"} 2");
    assertThat(scrape).contains("k8spacket_tls_certificate_expiry_timestamp_seconds{domain=\"api.shop\",port=\"443\","
        + "server=\"shop/api\"} 1.8028584E9");
  }

  @Test
  void the_tcp_page_still_counts_edges_in_the_combined_topology() {
    TestInputTopic<String, TcpConnectionEvent> tcp = harness.input(Topics.TCP, TcpConnectionEvent.class);
    tcp.pipeInput(WEB, event(Observer.CLIENT, WEB, 40000, API, 443, T0 + 1_000, T0 + 2_000, 7, 8), 0L);

    List<KeyValue<Windowed<String>, EdgeStats>> edges = harness.edges();
    assertThat(edges.get(0).value.getConnCount()).isEqualTo(1L);
    assertThat(edges).hasSize(1);
  }

  @Test
  void all_four_joins_read_one_versioned_table_in_one_sub_topology() {
    TopologyDescription description = AppTopology.buildTopology(CONFIG).describe();

    assertThat(description.subtopologies()).filteredOn(s -> s.nodes().stream().map(TopologyDescription.Node::name)
            .toList().containsAll(List.of("metadata", "name-client", "name-server", "tls-name-client",
                "tls-name-server")))
        .hasSize(1);
    assertThat(description.subtopologies()).hasSize(5);
  }

  private void publish(EndpointMetadata m) {
    harness.publish(m);
  }

  /** Agents produce with the record timestamp = now; the topology must use observedAt instead. */
  private void pipe(TlsHandshakeEvent e) {
    tls.pipeInput(e.getClientIp(), e, 0L);
  }

  private List<KeyValue<Windowed<String>, TlsSessionStats>> sessionWindows() {
    return harness.windows(TlsTopology.SESSION_STORE);
  }

  private List<KeyValue<String, Certificate>> certificateStore() {
    return harness.timestampedEntries(TlsTopology.CERTIFICATE_STORE);
  }

  private static Endpoint api() {
    return podEndpoint(API, "api-0", "api", "node-1");
  }
}
