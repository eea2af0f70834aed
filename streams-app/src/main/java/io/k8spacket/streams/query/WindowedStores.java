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
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
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
  /** The thread's interrupt flag is checked every 1024 entries. */
  private static final int INTERRUPT_CHECK_MASK = 1023;

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
    List<S> samples = new ArrayList<>();
    forEach(fromMs, toMs, partitions, (key, value) -> samples.add(sample.apply(key, value)));
    return samples;
  }

  /**
   * Hands every window the plan for {@code [fromMs, toMs)} names, of the given partitions (null: all local ones),
   * to {@code visit}, one entry at a time, so a reader can sum while it reads instead of holding every window.
   *
   * @throws CancellationException when the calling thread is interrupted (the query is past its deadline): the
   *     store iteration stops at once
   */
  void forEach(long fromMs, long toMs, Set<Integer> partitions, BiConsumer<Windowed<String>, V> visit) {
    // the fine store keeps windows for its retention behind stream time; wall clock is close enough here
    long fineOldest = clock.millis() - fineRetentionMs + fineMs;
    WindowPlan plan = WindowPlan.of(fromMs, toMs, fineMs, rollupMs, fineOldest);
    for (Integer partition : partitions == null ? Collections.<Integer>singleton(null) : partitions) {
      for (WindowPlan.Starts starts : plan.fine()) {
        fetch(fineStore, partition, starts, visit);
      }
      for (WindowPlan.Starts starts : plan.rollup()) {
        fetch(rollupStore, partition, starts, visit);
      }
    }
  }

  private void fetch(String name, Integer partition, WindowPlan.Starts starts,
      BiConsumer<Windowed<String>, V> visit) {
    try {
      StoreQueryParameters<ReadOnlyWindowStore<String, V>> parameters = StoreQueryParameters.fromNameAndType(name,
          QueryableStoreTypes.windowStore());
      ReadOnlyWindowStore<String, V> store = streams.store(partition == null ? parameters
          : parameters.withPartition(partition));
      try (KeyValueIterator<Windowed<String>, V> it = store.fetchAll(Instant.ofEpochMilli(starts.fromMs()),
          Instant.ofEpochMilli(starts.toMs() - 1))) {
        int read = 0;
        while (it.hasNext()) {
          if ((++read & INTERRUPT_CHECK_MASK) == 0 && Thread.currentThread().isInterrupted()) {
            throw new CancellationException("query interrupted while reading " + name);
          }
          KeyValue<Windowed<String>, V> entry = it.next();
          visit.accept(entry.key, entry.value);
        }
      }
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailableException("store " + name + (partition == null ? "" : " partition " + partition)
          + " is not queryable now: " + e.getMessage(), e);
    }
  }
}
