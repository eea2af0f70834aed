package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that keeps every connection, for asserting what the pipeline produced. */
public final class CollectingSink implements EventSink {
  private final List<TcpConnection> received = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  @Override
  public void send(TcpConnection connection) {
    received.add(connection);
  }

  /** Everything received so far, in order. */
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
