package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;

/**
 * Where decoded connections go: Kafka in production, a list in tests. {@link #send} must never block for long
 * or throw: it runs on the ring reader's thread, and a stalled reader makes the kernel drop events.
 */
public interface EventSink extends AutoCloseable {
  /** Hands one connection over; drops and counts it if it cannot be buffered. */
  void send(TcpConnection connection);

  /** Bytes buffered and not yet delivered (0 for sinks without a buffer). */
  default long bufferedBytes() {
    return 0;
  }

  /** Delivers what is buffered (bounded wait) and releases resources; idempotent. */
  @Override
  void close();
}
