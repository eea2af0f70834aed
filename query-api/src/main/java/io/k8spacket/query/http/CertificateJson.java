package io.k8spacket.query.http;

import io.k8spacket.query.EndpointView;
import io.k8spacket.query.GroupBy;
import io.k8spacket.query.tls.CertificateInfoView;
import io.k8spacket.query.tls.CertificateView;
import java.util.List;

/**
 * One entry of {@code /tlsparser/api/certificates}: the server endpoint and SNI, the leaf's validity and days
 * left (whole days, rounded down, negative once expired), the chain, and the client workloads that handshook
 * with it (its blast radius). {@code server} is the server's workload key ({@code shop/web},
 * {@code shop/svc.web}, {@code node.worker-1}), or its IP when unknown.
 */
public record CertificateJson(String server, String serverIp, int port, String domain, String source,
    String notBefore, String notAfter, long daysLeft, String subject, String issuer, String sha256,
    String firstSeen, String lastSeen, List<CertificateInfoJson> chain, List<Client> clients) {
  private static final long DAY_MS = 86_400_000L;

  /** A client workload: pod name as last seen, its namespace and workload ({@code ""} when none). */
  public record Client(String name, String namespace, String workload) {
    static Client of(EndpointView e) {
      return new Client(e.name(), TlsConnectionJson.orEmpty(e.namespace()), TlsConnectionJson.orEmpty(e.workload()));
    }
  }

  /** The entry of a certificate with a chain, {@code nowMs} giving the days left. */
  public static CertificateJson of(CertificateView c, long nowMs) {
    CertificateInfoView leaf = c.leaf();
    String server = c.server() == null ? c.serverIp() : GroupBy.WORKLOAD.group(c.server()).key();
    return new CertificateJson(server, c.serverIp(), c.serverPort(), TlsConnectionJson.orEmpty(c.serverName()),
        c.source(), Rfc3339.format(leaf.notBeforeMs()), Rfc3339.format(leaf.notAfterMs()),
        Math.floorDiv(leaf.notAfterMs() - nowMs, DAY_MS), leaf.subject(), leaf.issuer(), leaf.sha256(),
        Rfc3339.format(c.firstSeenMs()), Rfc3339.format(c.lastSeenMs()), CertificateInfoJson.of(c.chain()),
        c.clients().stream().map(Client::of).toList());
  }
}
