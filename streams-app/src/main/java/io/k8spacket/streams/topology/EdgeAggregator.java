package io.k8spacket.streams.topology;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EdgeStats;
import java.time.Duration;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Adds one counted record to the statistics of its edge in one window. A close counts in {@code connCount},
 * failed handshakes (NEVER_ESTABLISHED) included, as the original counts every closed socket; a failed handshake
 * never counts as persistent and adds no duration, because no connection lasted. A progress report (OPEN) adds
 * its bytes and moves {@code lastSeenMs}, nothing else: the connection is counted, timed and maybe persistent in
 * the window of its close, whose record carries the bytes since its last report.
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
    boolean closed = c.getCloseKind() != CloseKind.OPEN;
    boolean lasted = closed && c.getCloseKind() != CloseKind.NEVER_ESTABLISHED;
    long durationMs = lasted ? Math.max(0, (c.getCloseTimeNs() - c.getOpenTimeNs()) / 1_000_000L) : 0;
    boolean persistent = lasted && durationMs > persistentThresholdMs;
    return EdgeStats.newBuilder()
        .setClient(c.getClient())
        .setServer(c.getServer())
        .setService(c.getService())
        .setConnCount(agg.getConnCount() + (closed ? 1 : 0))
        .setConnPersistent(agg.getConnPersistent() + (persistent ? 1 : 0))
        .setBytesClientToServer(agg.getBytesClientToServer() + c.getBytesClientToServer())
        .setBytesServerToClient(agg.getBytesServerToClient() + c.getBytesServerToClient())
        .setDurationMsSum(agg.getDurationMsSum() + durationMs)
        .setMaxDurationMs(Math.max(agg.getMaxDurationMs(), durationMs))
        .setLastSeenMs(Math.max(agg.getLastSeenMs(), Math.floorDiv(c.getCloseTimeNs(), 1_000_000L)))
        .build();
  }
}
