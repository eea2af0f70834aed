package io.k8spacket.query.tls;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.tls.TlsFixtures.AES128;
import static io.k8spacket.query.tls.TlsFixtures.DNS_PENDING;
import static io.k8spacket.query.tls.TlsFixtures.DOT_FAILED;
import static io.k8spacket.query.tls.TlsFixtures.ECDHE_RSA_AES256;
import static io.k8spacket.query.tls.TlsFixtures.GOOGLE;
import static io.k8spacket.query.tls.TlsFixtures.GOOGLE_CERT;
import static io.k8spacket.query.tls.TlsFixtures.OLD_CERT;
import static io.k8spacket.query.tls.TlsFixtures.TLS12;
import static io.k8spacket.query.tls.TlsFixtures.TLS13;
import static io.k8spacket.query.tls.TlsFixtures.WEB_CERT;
import static io.k8spacket.query.tls.TlsFixtures.WEB_TLS12;
import static io.k8spacket.query.tls.TlsFixtures.WEB_TLS13;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.k8spacket.query.TimeRange;
import org.junit.jupiter.api.Test;

class TlsQueryServiceTest {
  final InMemoryTlsReader reader = new InMemoryTlsReader()
      .add(WEB_TLS12, WEB_TLS13, GOOGLE, DOT_FAILED)
      .add(WEB_CERT, GOOGLE_CERT, DNS_PENDING, OLD_CERT);
  final TlsQueryService service = new TlsQueryService(reader);

  static TimeRange minutes(int from, int to) {
    return new TimeRange(T0 + from * MINUTE, T0 + to * MINUTE);
  }

  @Test
  void one_row_per_client_server_port_and_sni_with_the_latest_version_and_summed_handshakes() {
    assertThat(service.connections(minutes(0, 3)))
        .extracting(c -> c.id().encode(), TlsConnection::version, TlsConnection::cipherSuite,
            TlsConnection::lastSeenMs, TlsConnection::handshakes)
        .containsExactly(
            tuple("MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYi5zaG9wLnN2Yw", TLS13, AES128, T0 + 90_000, 4L),
            tuple("MTAuMC4wLjJ8MTQyLjI1MC43NC43OHw0NDN8d3d3Lmdvb2dsZS5jb20", TLS13, "TLS_AES_256_GCM_SHA384",
                T0 + 90_000, 2L),
            tuple("MTkyLjE2OC4xLjEwfDEwLjAuOS45fDg1M3w", "", "", T0 + 150_000, 1L));
  }

  @Test
  void windows_outside_the_range_do_not_count() {
    assertThat(service.connections(minutes(0, 1)))
        .extracting(TlsConnection::version, TlsConnection::cipherSuite, TlsConnection::handshakes)
        .containsExactly(tuple(TLS12, ECDHE_RSA_AES256, 3L));
    assertThat(service.connections(minutes(5, 9))).isEmpty();
  }

  @Test
  void details_decode_the_id_and_join_the_certificate_of_server_port_and_sni() {
    TlsDetails d = service.details("MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYi5zaG9wLnN2Yw", minutes(0, 3)).orElseThrow();

    assertThat(d.connection().client()).isEqualTo(FE_1);
    assertThat(d.connection().server()).isEqualTo(WEB_1);
    assertThat(d.connection().serverName()).isEqualTo("web.shop.svc");
    assertThat(d.connection().version()).isEqualTo(TLS13);
    assertThat(d.certificate()).contains(WEB_CERT);
  }

  @Test
  void details_without_sni_find_the_certificate_keyed_with_an_empty_sni() {
    TlsDetails d = service.details("MTkyLjE2OC4xLjEwfDEwLjAuOS45fDg1M3w", minutes(0, 3)).orElseThrow();

    assertThat(d.connection().serverName()).isEmpty();
    assertThat(d.certificate()).contains(DNS_PENDING);
  }

  @Test
  void details_of_an_unknown_or_malformed_id_are_empty() {
    assertThat(service.details("MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYg", minutes(0, 3))).isEmpty();
    assertThat(service.details("not base64!", minutes(0, 3))).isEmpty();
    assertThat(service.details("bm8tYmFycw", minutes(0, 3))).as("no-bars").isEmpty();
    assertThat(service.details("MTAuMC4wLjF8MTAuMC4xLjF8NDQzfHdlYi5zaG9wLnN2Yw", minutes(5, 9))).isEmpty();
  }

  @Test
  void certificates_with_a_chain_seen_in_the_range_soonest_expiry_first() {
    assertThat(service.certificates(minutes(0, 3))).containsExactly(GOOGLE_CERT, WEB_CERT);
    assertThat(service.certificates(new TimeRange(0, T0 + 3 * MINUTE)))
        .containsExactly(GOOGLE_CERT, WEB_CERT, OLD_CERT);
    assertThat(service.certificates(new TimeRange(T0 + 61_001, T0 + 3 * MINUTE))).containsExactly(WEB_CERT);
  }

  @Test
  void connection_ids_round_trip_and_refuse_other_strings() {
    TlsConnectionId id = new TlsConnectionId("fd00::1", "fd00::2", 8443, null);

    assertThat(TlsConnectionId.decode(id.encode())).contains(new TlsConnectionId("fd00::1", "fd00::2", 8443, ""));
    assertThat(TlsConnectionId.decode("")).isEmpty();
    assertThat(TlsConnectionId.decode("a/b")).isEmpty();
    assertThat(TlsConnectionId.decode("fHx8")).as("|||: empty IPs").isEmpty();
  }

  @Test
  void certificate_keys_bracket_ipv6_and_keep_an_empty_sni() {
    assertThat(CertificateKey.of("10.0.1.1", 443, "web.shop.svc")).isEqualTo("10.0.1.1:443|web.shop.svc");
    assertThat(CertificateKey.of("fd00::1", 8443, null)).isEqualTo("[fd00::1]:8443|");
  }
}
