package io.k8spacket.query.tls;

import io.k8spacket.query.EndpointView;
import java.util.List;
import java.util.Objects;

/**
 * The TLS handshakes from one client endpoint to one server endpoint, port, SNI, version and cipher suite in
 * one window {@code [windowStartMs, windowEndMs)}. Versions and suites are display names ({@code TLS 1.3},
 * {@code TLS_AES_128_GCM_SHA256}, {@code 0xC0FF} when unknown, {@code ""} when no ServerHello was seen); the
 * offer fields are those of the latest handshake in the window.
 *
 * @param serverName the SNI, or null when the client sent none
 * @param alpn the protocol the server chose, or null
 * @param ja4 the client's JA4-style fingerprint, or null
 * @param leafSha256 the leaf certificate's SHA-256, or null when the chain was not seen
 */
public record TlsSessionSample(long windowStartMs, long windowEndMs, EndpointView client, EndpointView server,
    int serverPort, String serverName, String version, String cipherSuite, long count, long lastSeenMs,
    List<String> clientVersions, List<String> clientCipherSuites, String alpn, List<String> offeredAlpn,
    String ja4, String leafSha256) {
  public TlsSessionSample {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(cipherSuite, "cipherSuite");
    clientVersions = List.copyOf(Objects.requireNonNull(clientVersions, "clientVersions"));
    clientCipherSuites = List.copyOf(Objects.requireNonNull(clientCipherSuites, "clientCipherSuites"));
    offeredAlpn = List.copyOf(Objects.requireNonNull(offeredAlpn, "offeredAlpn"));
    if (windowEndMs <= windowStartMs) {
      throw new IllegalArgumentException("windowEndMs must be after windowStartMs");
    }
  }
}
