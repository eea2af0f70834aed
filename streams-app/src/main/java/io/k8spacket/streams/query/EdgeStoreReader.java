package io.k8spacket.streams.query;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.streams.topology.ConnectionsTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@link EdgeReader} over this instance's partitions of the windowed edge store (interactive queries). A
 * range {@code [from, to)} is rounded out to whole windows: every window with a start in
 * {@code [from - size + 1, to)} overlaps it. With 1-minute windows, {@code [10:00:30, 10:02:00)} returns the
 * windows starting 10:00 and 10:01.
 */
public final class EdgeStoreReader implements EdgeReader {
  private final KafkaStreams streams;
  private final long windowSizeMs;

  public EdgeStoreReader(KafkaStreams streams, Duration windowSize) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.windowSizeMs = windowSize.toMillis();
    if (windowSizeMs <= 0) {
      throw new IllegalArgumentException("windowSize must be positive");
    }
  }

  @Override
  public List<EdgeSample> edges(long fromMs, long toMs) {
    if (toMs <= fromMs) {
      return List.of();
    }
    Instant firstStart = Instant.ofEpochMilli(Math.max(0, fromMs - windowSizeMs + 1));
    Instant lastStart = Instant.ofEpochMilli(toMs - 1);
    List<EdgeSample> samples = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, EdgeStats> it = store().fetchAll(firstStart, lastStart)) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, EdgeStats> entry = it.next();
        samples.add(sample(entry.key, entry.value));
      }
    } catch (InvalidStateStoreException e) {
      throw unavailable(e);
    }
    return samples;
  }

  private ReadOnlyWindowStore<String, EdgeStats> store() {
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(ConnectionsTopology.EDGE_STORE,
          QueryableStoreTypes.windowStore()));
    } catch (InvalidStateStoreException e) {
      throw unavailable(e);
    }
  }

  private static StoreUnavailableException unavailable(InvalidStateStoreException e) {
    return new StoreUnavailableException("store " + ConnectionsTopology.EDGE_STORE + " is not queryable now: "
        + e.getMessage(), e);
  }

  static EdgeSample sample(Windowed<String> key, EdgeStats s) {
    EndpointView service = s.getService() == null ? null : view(s.getService());
    return new EdgeSample(key.window().start(), key.window().end(), view(s.getClient()), view(s.getServer()),
        service, s.getConnCount(), s.getConnPersistent(), s.getBytesClientToServer(), s.getBytesServerToClient(),
        s.getDurationMsSum(), s.getMaxDurationMs(), s.getLastSeenMs());
  }

  static EndpointView view(Endpoint e) {
    return new EndpointView(e.getIp(), e.getName(), e.getNamespace(), e.getWorkload(), e.getWorkloadKind(),
        e.getKind().name().toLowerCase(Locale.ROOT));
  }
}
