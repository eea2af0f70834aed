package io.k8spacket.streams.query;

import static io.k8spacket.streams.topology.Fixtures.pod;
import static io.k8spacket.streams.topology.TlsFixtures.AES128;
import static io.k8spacket.streams.topology.TlsFixtures.API_LEAF;
import static io.k8spacket.streams.topology.TlsFixtures.API_LEAF_ROTATED;
import static io.k8spacket.streams.topology.TlsFixtures.ECDHE_RSA_AES256;
import static io.k8spacket.streams.topology.TlsFixtures.JA4;
import static io.k8spacket.streams.topology.TlsFixtures.SHOP_CA;
import static io.k8spacket.streams.topology.TlsFixtures.TLS12;
import static io.k8spacket.streams.topology.TlsFixtures.TLS13;
import static io.k8spacket.streams.topology.TlsFixtures.fetch;
import static io.k8spacket.streams.topology.TlsFixtures.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.tls.CertificateInfoView;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsRunner;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole topology on a real broker and a real KafkaStreams, read back through the TlsReader. */
class TlsStoreReaderIT {
  /** A minute boundary ten minutes ago: event times near now, as the broker expects. */
  static final long T0 = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
  static final String WEB = "10.0.0.1";
  static final String API = "10.0.0.2";
  static final EndpointView WEB_VIEW = new EndpointView(WEB, "web-1", "shop", "web", "Deployment", "pod");
  static final EndpointView API_VIEW = new EndpointView(API, "api-0", "shop", "api", "Deployment", "pod");
  static final List<String> OFFERED_VERSIONS = List.of("TLS 1.3", "TLS 1.2");
  static final List<String> OFFERED_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  static StreamsOnBroker streams;
  static StreamsRunner runner;

  @BeforeAll
  static void startBrokerAndStreams() throws Exception {
    streams = StreamsOnBroker.create("tls-store-reader-it-", pod(WEB, "web-1", "shop", "web", T0 - 3_600_000),
        pod(API, "api-0", "shop", "api", T0 - 3_600_000));
    runner = streams.runner();
    assertThatThrownBy(() -> runner.tlsReader().certificates()).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> runner.tlsReader().sessions(T0, T0 + 60_000))
        .isInstanceOf(StoreUnavailableException.class);
    streams.start();
  }

  @AfterAll
  static void stop() {
    if (streams != null) {
      streams.close();
    }
  }

  @Test
  void sessions_and_certificates_of_piped_events_are_read_back_exactly() {
    produce(
        handshake(WEB, 40000, API, 443, "api.shop", TLS12, ECDHE_RSA_AES256, T0 + 10_000, List.of(API_LEAF, SHOP_CA)),
        handshake(WEB, 40001, API, 443, "api.shop", TLS13, AES128, T0 + 20_000, List.of()),
        handshake(WEB, 40002, API, 443, "api.shop", TLS13, AES128, T0 + 70_000, List.of()),
        fetch(API, 8443, "admin.shop", T0 + 30_000, List.of(API_LEAF_ROTATED)));
    TlsReader reader = runner.tlsReader();
    TlsSessionSample tls12 = sample(T0, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", T0 + 10_000,
        "11".repeat(32));
    TlsSessionSample tls13 = sample(T0, "TLS 1.3", "TLS_AES_128_GCM_SHA256", T0 + 20_000, null);
    TlsSessionSample tls13Later = sample(T0 + 60_000, "TLS 1.3", "TLS_AES_128_GCM_SHA256", T0 + 70_000, null);
    CertificateView api = new CertificateView("10.0.0.2:443|api.shop", API, 443, "api.shop", API_VIEW, "HANDSHAKE",
        List.of(info(API_LEAF), info(SHOP_CA)), T0 + 10_000, T0 + 70_000, List.of(WEB_VIEW));
    CertificateView admin = new CertificateView("10.0.0.2:8443|admin.shop", API, 8443, "admin.shop", null,
        "ACTIVE_FETCH", List.of(info(API_LEAF_ROTATED)), T0 + 30_000, T0 + 30_000, List.of());

    await().atMost(StreamsOnBroker.WAIT).ignoreException(StoreUnavailableException.class)
        .untilAsserted(() -> {
          assertThat(reader.sessions(T0 - 60_000, T0 + 180_000))
              .containsExactlyInAnyOrder(tls12, tls13, tls13Later);
          assertThat(reader.certificates()).containsExactlyInAnyOrder(api, admin);
        });

    assertThat(reader.sessions(T0 + 59_999, T0 + 60_000)).containsExactlyInAnyOrder(tls12, tls13);
    assertThat(reader.sessions(T0 + 60_000, T0 + 60_001)).containsExactly(tls13Later);
    assertThat(reader.sessions(T0 + 120_000, T0 + 180_000)).isEmpty();
    assertThat(reader.certificate("10.0.0.2:443|api.shop")).contains(api);
    assertThat(reader.certificate("10.0.0.2:443|")).isEmpty();
    // a long range reads whole hours from the rollup store: hour-long samples, the same three handshakes
    List<TlsSessionSample> long6h = reader.sessions(T0 - 3 * 3_600_000, T0 + 3 * 3_600_000);
    assertThat(long6h).allSatisfy(s -> assertThat(s.windowEndMs() - s.windowStartMs()).isEqualTo(3_600_000));
    assertThat(long6h.stream().mapToLong(TlsSessionSample::count).sum()).isEqualTo(3);
  }

  private static TlsSessionSample sample(long windowStart, String version, String suite, long lastSeen,
      String leaf) {
    return new TlsSessionSample(windowStart, windowStart + 60_000, WEB_VIEW, API_VIEW, 443, "api.shop", version,
        suite, 1, lastSeen, OFFERED_VERSIONS, OFFERED_SUITES, "h2", List.of("h2", "http/1.1"), JA4, leaf);
  }

  private static CertificateInfoView info(io.k8spacket.avro.CertificateInfo c) {
    return new CertificateInfoView(c.getSubject(), c.getIssuer(), c.getSubjectAltNames(), c.getSerialHex(),
        c.getNotBeforeMs(), c.getNotAfterMs(), c.getKeyType(), c.getKeyBits(), c.getSignatureAlgorithm(),
        c.getSha256());
  }

  private static void produce(TlsHandshakeEvent... events) {
    streams.produce(Topics.TLS, TlsHandshakeEvent.class,
        e -> e.getClientIp().isEmpty() ? e.getServerIp() : e.getClientIp(), events);
  }
}
