package io.k8spacket.streams.topology;

import io.k8spacket.avro.SeenObservation;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Counts each connection once. Both sockets of a connection may be observed (observer CLIENT and SERVER, same
 * 4-tuple, overlapping {@code [open, close]}); the first observation to arrive is forwarded and remembered,
 * its twin is dropped and the memory of the first removed. A 4-tuple reused by a later connection is not a
 * twin: the intervals do not overlap.
 *
 * <p>Store key: {@code clientIp clientPort serverIp serverPort observer openTimeNs} (space-separated, so a
 * prefix scan over the 4-tuple finds every pending observation of it). An observation whose twin has not come
 * within the match retention of stream time (event time, so a replay gives the same answer) is forgotten: it
 * no longer matches, and a stream-time punctuator deletes it.
 */
public final class CountOnceProcessor implements FixedKeyProcessor<String, TcpConnectionEvent, TcpConnectionEvent> {
  private static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(1);

  private final String storeName;
  private final long retentionMs;
  private FixedKeyProcessorContext<String, TcpConnectionEvent> context;
  private KeyValueStore<String, SeenObservation> seen;

  CountOnceProcessor(String storeName, Duration retention) {
    this.storeName = storeName;
    this.retentionMs = retention.toMillis();
  }

  /** The supplier, with its persistent (changelogged) store {@code storeName}. */
  public static FixedKeyProcessorSupplier<String, TcpConnectionEvent, TcpConnectionEvent> supplier(
      String storeName, Duration retention) {
    return new FixedKeyProcessorSupplier<>() {
      @Override
      public FixedKeyProcessor<String, TcpConnectionEvent, TcpConnectionEvent> get() {
        return new CountOnceProcessor(storeName, retention);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(),
            AvroSerde.of(SeenObservation.class)));
      }
    };
  }

  @Override
  public void init(FixedKeyProcessorContext<String, TcpConnectionEvent> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
    Duration sweep = Duration.ofMillis(Math.min(retentionMs, MAX_SWEEP_INTERVAL.toMillis()));
    context.schedule(sweep, PunctuationType.STREAM_TIME, this::forgetExpired);
  }

  @Override
  public void process(FixedKeyRecord<String, TcpConnectionEvent> record) {
    TcpConnectionEvent event = record.value();
    if (event == null) {
      return;
    }
    String tuple = tupleKey(event);
    String twin = findTwin(tuple, event);
    if (twin != null) {
      seen.delete(twin);
      return;
    }
    seen.put(tuple + event.getObserver() + " " + event.getOpenTimeNs(),
        new SeenObservation(event.getObserver(), event.getOpenTimeNs(), event.getCloseTimeNs()));
    context.forward(record);
  }

  /** The store key of a pending observation of the same connection from the other socket, or null. */
  private String findTwin(String tuple, TcpConnectionEvent event) {
    try (KeyValueIterator<String, SeenObservation> it = seen.prefixScan(tuple, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, SeenObservation> entry = it.next();
        SeenObservation other = entry.value;
        if (other.getObserver() != event.getObserver() && !expired(other, context.currentStreamTimeMs())
            && other.getOpenTimeNs() <= event.getCloseTimeNs() && event.getOpenTimeNs() <= other.getCloseTimeNs()) {
          return entry.key;
        }
      }
    }
    return null;
  }

  private void forgetExpired(long streamTimeMs) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, SeenObservation> it = seen.all()) {
      while (it.hasNext()) {
        KeyValue<String, SeenObservation> entry = it.next();
        if (expired(entry.value, streamTimeMs)) {
          expired.add(entry.key);
        }
      }
    }
    expired.forEach(seen::delete);
  }

  private boolean expired(SeenObservation observation, long streamTimeMs) {
    return Math.floorDiv(observation.getCloseTimeNs(), 1_000_000L) + retentionMs < streamTimeMs;
  }

  /** {@code "clientIp clientPort serverIp serverPort "}: the prefix shared by both sockets' observations. */
  static String tupleKey(TcpConnectionEvent e) {
    return e.getClientIp() + " " + e.getClientPort() + " " + e.getServerIp() + " " + e.getServerPort() + " ";
  }
}
