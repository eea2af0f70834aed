package io.k8spacket.bench;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.pipeline.EventSink;
import io.k8spacket.avro.TlsHandshakeEvent;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link EventSink} that only counts (and sums a field, so nothing is optimised away). */
public final class CountingSink implements EventSink {
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong handshakes = new AtomicLong();
  private volatile long checksum;

  @Override
  public void send(TcpConnection connection) {
    connections.incrementAndGet();
    checksum += connection.bytesClientToServer() + connection.clientPort();
  }

  @Override
  public void send(TlsHandshakeEvent handshake) {
    handshakes.incrementAndGet();
  }

  public long connections() {
    return connections.get();
  }

  public long handshakes() {
    return handshakes.get();
  }

  public long checksum() {
    return checksum;
  }

  @Override
  public void close() {}
}
