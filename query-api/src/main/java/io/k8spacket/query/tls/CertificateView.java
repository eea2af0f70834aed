package io.k8spacket.query.tls;

import io.k8spacket.query.EndpointView;
import java.util.List;
import java.util.Objects;

/**
 * The latest certificate chain one server endpoint presented for one SNI, and the client workloads that
 * handshook with it (its blast radius).
 *
 * @param key {@link CertificateKey#of} of server IP, port and SNI
 * @param serverName the SNI, or null
 * @param server the server named as of {@code lastSeenMs}, or null when only a fetched chain was seen
 * @param source {@code HANDSHAKE}, {@code ACTIVE_FETCH} or {@code NONE} (no chain seen yet)
 * @param chain leaf first; empty when no chain was seen (TLS 1.3 without an active fetch)
 * @param firstSeenMs when the current leaf was first seen (the endpoint, while no chain was seen)
 * @param lastSeenMs the latest handshake or fetch of this endpoint and SNI
 * @param clients distinct client workloads, most recent last, bounded
 */
public record CertificateView(String key, String serverIp, int serverPort, String serverName,
    EndpointView server, String source, List<CertificateInfoView> chain, long firstSeenMs, long lastSeenMs,
    List<EndpointView> clients) {
  public CertificateView {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(serverIp, "serverIp");
    Objects.requireNonNull(source, "source");
    chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
    clients = List.copyOf(Objects.requireNonNull(clients, "clients"));
  }

  /** The leaf certificate, or null when no chain was seen. */
  public CertificateInfoView leaf() {
    return chain.isEmpty() ? null : chain.get(0);
  }
}
