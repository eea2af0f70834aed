package io.k8spacket.query.tls;

import io.k8spacket.query.EndpointView;
import java.util.List;
import java.util.Objects;

/**
 * One client talking TLS to one server port and SNI within a queried range, as its latest handshake saw it.
 *
 * @param serverName the SNI, {@code ""} when none
 * @param handshakes handshakes in the range (whole windows)
 */
public record TlsConnection(TlsConnectionId id, EndpointView client, EndpointView server, int serverPort,
    String serverName, String version, String cipherSuite, long lastSeenMs, long handshakes,
    List<String> clientVersions, List<String> clientCipherSuites) {
  public TlsConnection {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(serverName, "serverName");
    clientVersions = List.copyOf(clientVersions);
    clientCipherSuites = List.copyOf(clientCipherSuites);
  }
}
