package io.k8spacket.streams.query;

import io.k8spacket.query.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * A fine window store and its rollup (coarse) twin, read together for a query range as {@link WindowPlan} says:
 * whole rollup windows inside the range, fine windows at its ends. Interactive queries over this instance's
 * partitions; a store that is not queryable now (rebalance, restore) throws {@link StoreUnavailableException}.
 *
 * @param <V> the stores' value type
 */
final class WindowedStores<V> {
  private final KafkaStreams streams;
  private final String fineStore;
  private final String rollupStore;
  private final long fineMs;
  private final long rollupMs;
  private final long fineRetentionMs;
  private final Clock clock;

  /** {@code rollupStore} is read when {@code rollupSize} is not zero. */
  WindowedStores(KafkaStreams streams, String fineStore, Duration fineSize, Duration fineRetention,
      String rollupStore, Duration rollupSize, Clock clock) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.fineStore = fineStore;
    this.rollupStore = rollupStore;
    this.fineMs = fineSize.toMillis();
    this.rollupMs = rollupSize.toMillis();
    this.fineRetentionMs = fineRetention.toMillis();
    this.clock = clock;
    if (fineMs <= 0) {
      throw new IllegalArgumentException("fine window size must be positive");
    }
  }

  /** Every window the plan for {@code [fromMs, toMs)} names, of all local partitions, mapped by {@code sample}. */
  <S> List<S> read(long fromMs, long toMs, BiFunction<Windowed<String>, V, S> sample) {
    return read(fromMs, toMs, sample, null);
  }

  /**
   * The same, of the given partitions only (null: all local ones). Each partition must be hosted here as an
   * active, running task, in both stores, or the read fails: a partition is read by its one owner or not at all.
   */
  <S> List<S> read(long fromMs, long toMs, BiFunction<Windowed<String>, V, S> sample, Set<Integer> partitions) {
    // the fine store keeps windows for its retention behind stream time; wall clock is close enough here
    long fineOldest = clock.millis() - fineRetentionMs + fineMs;
    WindowPlan plan = WindowPlan.of(fromMs, toMs, fineMs, rollupMs, fineOldest);
    List<S> samples = new ArrayList<>();
    for (Integer partition : partitions == null ? Collections.<Integer>singleton(null) : partitions) {
      for (WindowPlan.Starts starts : plan.fine()) {
        fetch(fineStore, partition, starts, sample, samples);
      }
      for (WindowPlan.Starts starts : plan.rollup()) {
        fetch(rollupStore, partition, starts, sample, samples);
      }
    }
    return samples;
  }

  private <S> void fetch(String name, Integer partition, WindowPlan.Starts starts,
      BiFunction<Windowed<String>, V, S> sample, List<S> into) {
    try {
      StoreQueryParameters<ReadOnlyWindowStore<String, V>> parameters = StoreQueryParameters.fromNameAndType(name,
          QueryableStoreTypes.windowStore());
      ReadOnlyWindowStore<String, V> store = streams.store(partition == null ? parameters
          : parameters.withPartition(partition));
      try (KeyValueIterator<Windowed<String>, V> it = store.fetchAll(Instant.ofEpochMilli(starts.fromMs()),
          Instant.ofEpochMilli(starts.toMs() - 1))) {
        while (it.hasNext()) {
          KeyValue<Windowed<String>, V> entry = it.next();
          into.add(sample.apply(entry.key, entry.value));
        }
      }
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("store " + name + (partition == null ? "" : " partition " + partition)
          + " is not queryable now: " + e.getMessage(), e);
    }
  }
}
