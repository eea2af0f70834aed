package io.k8spacket.streams.query;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import io.k8spacket.streams.topology.ConnectionsTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@link EdgeReader} over this instance's partitions of the edge stores (interactive queries): the fine windows,
 * and the rollup windows for the whole rollup periods of long ranges ({@link WindowPlan}). A range
 * {@code [from, to)} is rounded out to whole fine windows: with 1-minute windows, {@code [10:00:30, 10:02:00)}
 * reads the windows starting 10:00 and 10:01; {@code [09:30, 12:10)} reads the 1-hour windows of 10:00 and
 * 11:00 and the minutes of 09:30–10:00 and 12:00–12:10. The windows of each edge are summed into one sample
 * spanning them ({@link EdgeMerge}).
 */
public final class EdgeStoreReader implements EdgeReader {
  private final WindowedStores<EdgeStats> stores;

  /** Fine windows kept for {@code fineRetention}, rollup windows of {@code rollupSize} (zero: none). */
  public EdgeStoreReader(KafkaStreams streams, Duration windowSize, Duration fineRetention, Duration rollupSize,
      Clock clock) {
    this.stores = new WindowedStores<>(streams, ConnectionsTopology.EDGE_STORE, windowSize, fineRetention,
        ConnectionsTopology.EDGE_ROLLUP_STORE, rollupSize, clock);
  }

  /** One sample per edge with windows in the range, summed over them ({@link EdgeMerge}). */
  @Override
  public List<EdgeSample> edges(long fromMs, long toMs) {
    return merged(fromMs, toMs, null);
  }

  /**
   * The samples of the given partitions only, each of which must be an active, running task here (else
   * {@link io.k8spacket.query.StoreUnavailableException}): this instance's share of a cluster-wide read.
   */
  public List<EdgeSample> edgesOf(Set<Integer> partitions, long fromMs, long toMs) {
    return merged(fromMs, toMs, Objects.requireNonNull(partitions, "partitions"));
  }

  private List<EdgeSample> merged(long fromMs, long toMs, Set<Integer> partitions) {
    EdgeMerge merge = new EdgeMerge(fromMs, toMs);
    stores.forEach(fromMs, toMs, partitions, merge::add);
    return merge.samples();
  }

  /** The sample of {@code s} over {@code [startMs, endMs)}: one window, or several summed ({@link EdgeMerge}). */
  static EdgeSample sample(long startMs, long endMs, EdgeStats s) {
    EndpointView service = s.getService() == null ? null : view(s.getService());
    return new EdgeSample(startMs, endMs, view(s.getClient()), view(s.getServer()),
        service, s.getConnCount(), s.getConnPersistent(), s.getBytesClientToServer(), s.getBytesServerToClient(),
        s.getDurationMsSum(), s.getMaxDurationMs(), s.getLastSeenMs(), s.getServerPorts());
  }

  static EndpointView view(Endpoint e) {
    return new EndpointView(e.getIp(), e.getName(), e.getNamespace(), e.getWorkload(), e.getWorkloadKind(),
        e.getKind().name().toLowerCase(Locale.ROOT));
  }
}
