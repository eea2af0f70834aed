package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.avro.TlsHandshakeEvent;

/**
 * Where the agent's events go: Kafka in production, a list in tests. The {@code send} methods must never block
 * for long or throw: they run on the ring readers' threads, and a stalled reader makes the kernel drop events.
 */
public interface EventSink extends AutoCloseable {
  /** Hands one connection over ({@code k8spacket.tcp.v1}); drops and counts it if it cannot be buffered. */
  void send(TcpConnection connection);

  /** Hands one TLS handshake over ({@code k8spacket.tls.v1}); drops and counts it if it cannot be buffered. */
  void send(TlsHandshakeEvent handshake);

  /** Bytes buffered and not yet delivered (0 for sinks without a buffer). */
  default long bufferedBytes() {
    return 0;
  }

  /** Delivers what is buffered (bounded wait) and releases resources; idempotent. */
  @Override
  void close();
}
