package io.k8spacket.query.tls;

/**
 * Key of a certificate entry, shared by the certificate store, the compacted certificates topic and the query
 * layer: {@code serverIp:port|SNI}, with an IPv6 address in brackets and an empty SNI when the client sent
 * none. Examples: {@code 10.0.1.1:443|web.shop.svc}, {@code [fd00::1]:8443|}.
 */
public final class CertificateKey {
  private CertificateKey() {}

  /** The key of {@code serverIp}, {@code port} and {@code serverName} (null = no SNI). */
  public static String of(String serverIp, int port, String serverName) {
    String host = serverIp.indexOf(':') >= 0 ? "[" + serverIp + "]" : serverIp;
    return host + ":" + port + "|" + (serverName == null ? "" : serverName);
  }
}
