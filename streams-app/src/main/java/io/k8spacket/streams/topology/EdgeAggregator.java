package io.k8spacket.streams.topology;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EdgeStats;
import java.time.Duration;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Adds one connection to the statistics of its edge in one window. Every closed connection counts in
 * {@code connCount}, failed handshakes (NEVER_ESTABLISHED) included, as the original counts every closed
 * socket; a failed handshake never counts as persistent and adds no duration, because no connection lasted.
 */
public final class EdgeAggregator implements Aggregator<String, Connection, EdgeStats> {
  private final long persistentThresholdMs;

  public EdgeAggregator(Duration persistentThreshold) {
    this.persistentThresholdMs = persistentThreshold.toMillis();
  }

  /** The aggregate before the first connection; its endpoints are set by the first {@link #apply}. */
  public static EdgeStats empty() {
    return new EdgeStats(null, null, 0L, 0L, 0L, 0L, 0L, 0L, 0L, null);
  }

  @Override
  public EdgeStats apply(String edgeKey, Connection c, EdgeStats agg) {
    boolean established = c.getCloseKind() != CloseKind.NEVER_ESTABLISHED;
    long durationMs = established ? Math.max(0, (c.getCloseTimeNs() - c.getOpenTimeNs()) / 1_000_000L) : 0;
    boolean persistent = established && durationMs > persistentThresholdMs;
    return EdgeStats.newBuilder()
        .setClient(c.getClient())
        .setServer(c.getServer())
        .setService(c.getService())
        .setConnCount(agg.getConnCount() + 1)
        .setConnPersistent(agg.getConnPersistent() + (persistent ? 1 : 0))
        .setBytesClientToServer(agg.getBytesClientToServer() + c.getBytesClientToServer())
        .setBytesServerToClient(agg.getBytesServerToClient() + c.getBytesServerToClient())
        .setDurationMsSum(agg.getDurationMsSum() + durationMs)
        .setMaxDurationMs(Math.max(agg.getMaxDurationMs(), durationMs))
        .setLastSeenMs(Math.max(agg.getLastSeenMs(), Math.floorDiv(c.getCloseTimeNs(), 1_000_000L)))
        .build();
  }
}
