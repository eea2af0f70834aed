package io.k8spacket.agent.tls;

import java.util.List;

/**
 * What a ClientHello offered, GREASE values removed from every list (and from the extension order).
 *
 * @param serverName the first SNI host_name, or null without an SNI extension
 * @param sniPresent whether the server_name extension was there at all (JA4's {@code d}/{@code i})
 * @param alpnFirstRaw the first ALPN protocol's bytes as sent, or null (JA4 needs the bytes, not the text)
 */
public record ClientHelloInfo(int legacyVersion, List<Integer> supportedVersions, List<Integer> cipherSuites,
                              List<Integer> extensions, String serverName, boolean sniPresent, List<String> alpn,
                              byte[] alpnFirstRaw, List<Integer> supportedGroups, List<Integer> signatureAlgorithms) {

  public ClientHelloInfo {
    supportedVersions = List.copyOf(supportedVersions);
    cipherSuites = List.copyOf(cipherSuites);
    extensions = List.copyOf(extensions);
    alpn = List.copyOf(alpn);
    supportedGroups = List.copyOf(supportedGroups);
    signatureAlgorithms = List.copyOf(signatureAlgorithms);
  }

  /** The JA4 fingerprint of this hello (see {@link Ja4}). */
  public String ja4() {
    return Ja4.fingerprint(this);
  }
}
