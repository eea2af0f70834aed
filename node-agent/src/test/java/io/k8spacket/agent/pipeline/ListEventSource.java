package io.k8spacket.agent.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A faithful fake of the ring buffer: records offered by the test, handed out in order, in native order. */
public class ListEventSource implements EventSource {
  private final ConcurrentLinkedQueue<byte[]> records = new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  public void offer(byte[] record) {
    records.add(record);
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public int drain(RecordHandler handler, int maxRecords) {
    int handed = 0;
    byte[] next;
    while (handed < maxRecords && (next = records.poll()) != null) {
      // like the ring: the record sits behind an 8-byte header inside a larger buffer
      ByteBuffer buffer = ByteBuffer.allocate(next.length + 16).order(ByteOrder.nativeOrder());
      buffer.put(8, next);
      handler.onRecord(buffer, 8, next.length);
      handed++;
    }
    return handed;
  }

  @Override
  public long pendingBytes() {
    return records.stream().mapToLong(r -> r.length + 8L).sum();
  }

  @Override
  public long capacityBytes() {
    return 1 << 20;
  }

  @Override
  public void close() {
    closed = true;
  }
}
