package io.k8spacket.agent.pipeline;

import java.nio.ByteBuffer;

/**
 * Where raw event records come from: the kernel's ring buffer in production, a list of byte arrays in tests.
 * Narrow on purpose, so the pipeline can be tested without root.
 */
public interface EventSource extends AutoCloseable {
  /** Receives one record; valid only during the call (the bytes may be overwritten afterwards). */
  @FunctionalInterface
  interface RecordHandler {
    void onRecord(ByteBuffer buffer, int offset, int length);
  }

  /**
   * Hands up to {@code maxRecords} committed records to {@code handler} and returns how many it handed;
   * never blocks.
   */
  int drain(RecordHandler handler, int maxRecords);

  /** Bytes written by the producer and not yet consumed (0 once closed). */
  long pendingBytes();

  /** Capacity in bytes. */
  long capacityBytes();

  @Override
  void close();
}
