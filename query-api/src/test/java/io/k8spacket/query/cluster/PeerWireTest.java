package io.k8spacket.query.cluster;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.WEB_SVC;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.Fixtures.through;
import static io.k8spacket.query.Fixtures.withPorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsFixtures;
import io.k8spacket.query.tls.TlsSessionSample;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerWireTest {
  @Test
  void edge_samples_come_back_equal_with_and_without_a_service_or_ports() {
    List<EdgeSample> samples = List.of(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40),
        through(WEB_SVC, withPorts(sample(1, FE_1, WEB_1, 1, 0, 1, 2, 3, 3), 80, 443)));

    assertThat(PeerWire.read(PeerWire.write(samples), PeerWire.EDGES)).isEqualTo(samples);
  }

  @Test
  void tls_sessions_come_back_equal_nulls_and_empty_lists_included() {
    List<TlsSessionSample> sessions = List.of(TlsFixtures.WEB_TLS12, TlsFixtures.DOT_FAILED,
        new TlsSessionSample(0, 60_000, FE_1, WEB_1, 443, null, "", "", 1, 30_000, List.of(), List.of(), null,
            List.of(), null, null));

    assertThat(PeerWire.read(PeerWire.write(sessions), PeerWire.SESSIONS)).isEqualTo(sessions);
  }

  @Test
  void certificates_come_back_equal_with_and_without_a_chain_or_server() {
    List<CertificateView> entries = List.of(TlsFixtures.WEB_CERT, TlsFixtures.DNS_PENDING,
        new CertificateView("10.0.0.9:443|x", "10.0.0.9", 443, "x", null, "ACTIVE_FETCH",
            List.of(TlsFixtures.GOOGLE_LEAF), 1, 2, List.of()));

    assertThat(PeerWire.read(PeerWire.write(entries), PeerWire.CERTIFICATES)).isEqualTo(entries);
  }

  @Test
  void fields_a_newer_peer_adds_are_ignored() {
    String json = new String(PeerWire.write(List.of(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40))),
        StandardCharsets.UTF_8).replace("\"connCount\"", "\"futureField\":[1,2],\"connCount\"");

    assertThat(PeerWire.read(json.getBytes(StandardCharsets.UTF_8), PeerWire.EDGES))
        .containsExactly(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40));
  }

  @Test
  void a_sample_from_a_peer_of_the_release_before_ports_reads_with_no_ports() {
    String json = new String(PeerWire.write(List.of(withPorts(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40), 443))),
        StandardCharsets.UTF_8).replace(",\"serverPorts\":[443]", "");

    assertThat(json).doesNotContain("serverPorts");
    assertThat(PeerWire.read(json.getBytes(StandardCharsets.UTF_8), PeerWire.EDGES))
        .containsExactly(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40));
  }

  @Test
  void something_else_than_the_records_is_refused() {
    assertThatThrownBy(() -> PeerWire.read("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8), PeerWire.EDGES))
        .isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(() -> PeerWire.read("[{\"windowStartMs\":1}]".getBytes(StandardCharsets.UTF_8),
        PeerWire.EDGES)).isInstanceOf(UncheckedIOException.class);
  }
}
