package io.k8spacket.agent.tls;

/**
 * What a ServerHello chose.
 *
 * @param selectedVersion supported_versions when present (TLS 1.3), else {@code legacyVersion}
 * @param alpn the selected protocol, or null
 * @param helloRetryRequest the special random of RFC 8446 §4.1.3: not the real ServerHello yet
 */
public record ServerHelloInfo(int legacyVersion, int selectedVersion, int cipherSuite, String alpn,
                              boolean helloRetryRequest) {

  public boolean isTls13() {
    return selectedVersion == TlsCodes.TLS13;
  }
}
