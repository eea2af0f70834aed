package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.avro.TlsHandshakeEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps every connection and handshake, for asserting what the pipeline produced. */
public final class CollectingSink implements EventSink {
  private final List<TcpConnection> received = new CopyOnWriteArrayList<>();
  private final List<TlsHandshakeEvent> handshakes = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  @Override
  public void send(TcpConnection connection) {
    received.add(connection);
  }

  @Override
  public void send(TlsHandshakeEvent handshake) {
    handshakes.add(handshake);
  }

  /** Every TLS handshake received so far, in order. */
  public List<TlsHandshakeEvent> handshakes() {
    return List.copyOf(handshakes);
  }

  /** Every connection received so far, in order. */
  public List<TcpConnection> received() {
    return List.copyOf(received);
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
