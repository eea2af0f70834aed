package io.k8spacket.query.http;

import io.k8spacket.query.EndpointView;
import io.k8spacket.query.tls.TlsConnection;

/**
 * One row of {@code /tlsparser/api/data}, with the original's 11 keys, every key always present. {@code dstName}
 * is the SNI for a server without metadata (an external endpoint), else the server's name; a missing namespace
 * or SNI is {@code ""}; {@code lastSeen} is RFC 3339 UTC.
 */
public record TlsConnectionJson(String id, String src, String srcName, String srcNamespace, String dst,
    String dstName, int dstPort, String domain, String usedTLSVersion, String usedCipherSuite, String lastSeen) {

  /** The row of one connection. */
  public static TlsConnectionJson of(TlsConnection c) {
    return new TlsConnectionJson(c.id().encode(), c.client().ip(), c.client().name(), orEmpty(c.client().namespace()),
        c.server().ip(), serverName(c.server(), c.serverName()), c.serverPort(), c.serverName(), c.version(),
        c.cipherSuite(), Rfc3339.format(c.lastSeenMs()));
  }

  private static String serverName(EndpointView server, String sni) {
    return "unknown".equals(server.kind()) && !sni.isEmpty() ? sni : server.name();
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
