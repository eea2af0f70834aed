package io.k8spacket.streams.topology;

import java.time.Duration;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.internals.RocksDbWindowBytesStoreSupplier;

/**
 * The persistent window stores of the windowed aggregations, with segments a fraction of the retention long.
 *
 * <p>Why: a RocksDB window store keeps its entries as {@code [key][window start]}, so a read of every key in a
 * time range ({@code fetchAll(from, to)}, what the query API does) walks every entry of each segment the range
 * touches and filters by time. Kafka Streams' default segment is half the retention: a 1-hour query on a store
 * kept 24 hours walked 12 to 24 hours of windows. With {@value #SEGMENTS_PER_RETENTION} segments per retention the
 * same query walks at most two 1-hour segments. Each segment is its own RocksDB instance; only the newest take
 * writes.
 *
 * <p>Kafka Streams has no public way to choose the segment interval, so this uses its own supplier class (public,
 * in its internals package); {@code WindowSegmentsTest} fails the build if an upgrade changes it.
 */
public final class WindowSegments {
  /** Segments per retention period. */
  public static final int SEGMENTS_PER_RETENTION = 24;

  private WindowSegments() {}

  /** A timestamped window store {@code name} keeping {@code retention} of windows of {@code windowSize}. */
  public static WindowBytesStoreSupplier store(String name, Duration retention, Duration windowSize) {
    return new RocksDbWindowBytesStoreSupplier(name, retention.toMillis(), segmentInterval(retention, windowSize),
        windowSize.toMillis(), false, RocksDbWindowBytesStoreSupplier.WindowStoreTypes.TIMESTAMPED_WINDOW_STORE);
  }

  /** {@code retention / 24}, but at least one window and one minute (Kafka Streams' own floor). */
  static long segmentInterval(Duration retention, Duration windowSize) {
    return Math.max(Math.max(retention.toMillis() / SEGMENTS_PER_RETENTION, windowSize.toMillis()), 60_000L);
  }
}
