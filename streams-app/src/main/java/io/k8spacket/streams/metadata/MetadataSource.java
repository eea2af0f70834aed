package io.k8spacket.streams.metadata;

/**
 * A source of IP → endpoint metadata: a file in standalone mode, the Kubernetes API in a cluster. It emits
 * the current state on start (one upsert per IP), then each change as it is seen, each stamped with the time
 * it was seen, so the streams app can name connections as of their event time.
 */
public interface MetadataSource extends AutoCloseable {
  /** Publishes the current state before returning, then keeps publishing changes in the background. */
  void start(MetadataPublisher publisher);

  /** Stops watching; idempotent. Does not close the publisher. */
  void stop();

  @Override
  default void close() {
    stop();
  }
}
