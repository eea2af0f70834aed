package io.k8spacket.query.http;

import io.k8spacket.query.tls.CertificateInfoView;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.ChainText;
import io.k8spacket.query.tls.TlsConnection;
import io.k8spacket.query.tls.TlsDetails;
import java.time.Instant;
import java.util.List;

/**
 * {@code /tlsparser/api/data/{id}}: the original's keys plus {@code certificate.chain} and
 * {@code certificate.source}; every key always present. Without a chain, {@code serverChain} is
 * {@code UNAVAILABLE} and the times are Go's zero time {@code 0001-01-01T00:00:00Z}, as the original answered.
 */
public record TlsDetailsJson(String id, String domain, String dst, int port, List<String> clientTLSVersions,
    List<String> clientCipherSuites, String usedTLSVersion, String usedCipherSuite, Certificate certificate) {

  /** Go's zero {@code time.Time} in RFC 3339: what the original sent when there was no certificate. */
  public static final String ZERO_TIME = Rfc3339.format(Instant.parse("0001-01-01T00:00:00Z").toEpochMilli());

  /**
   * The certificate part: the leaf's validity, the chain as text and as fields, when it was last seen and
   * where it came from ({@code HANDSHAKE}, {@code ACTIVE_FETCH}, {@code NONE}).
   */
  public record Certificate(String notBefore, String notAfter, String serverChain, String lastScrape,
      List<CertificateInfoJson> chain, String source) {

    static Certificate of(CertificateView c) {
      CertificateInfoView leaf = c.leaf();
      if (leaf == null) {
        return new Certificate(ZERO_TIME, ZERO_TIME, ChainText.UNAVAILABLE, ZERO_TIME, List.of(), c.source());
      }
      return new Certificate(Rfc3339.format(leaf.notBeforeMs()), Rfc3339.format(leaf.notAfterMs()),
          ChainText.render(c.chain()), Rfc3339.format(c.lastSeenMs()), CertificateInfoJson.of(c.chain()),
          c.source());
    }

    static Certificate none() {
      return new Certificate(ZERO_TIME, ZERO_TIME, ChainText.UNAVAILABLE, ZERO_TIME, List.of(), "NONE");
    }
  }

  public static TlsDetailsJson of(TlsDetails d) {
    TlsConnection c = d.connection();
    return new TlsDetailsJson(c.id().encode(), c.serverName(), c.server().ip(), c.serverPort(), c.clientVersions(),
        c.clientCipherSuites(), c.version(), c.cipherSuite(),
        d.certificate().map(Certificate::of).orElseGet(Certificate::none));
  }
}
