package io.k8spacket.streams.metadata;

import java.util.List;

/** Where metadata sources send their changes; in production the compacted metadata topic. */
public interface MetadataPublisher extends AutoCloseable {
  /**
   * Publishes the changes in order and returns once they are durable.
   *
   * @throws RuntimeException when they could not be published; the caller keeps its previous state and retries
   */
  void publish(List<MetadataChange> changes);

  @Override
  default void close() {}
}
