package io.k8spacket.streams.topology;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EdgeStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Adds one counted record to the statistics of its edge in one window. A close counts in {@code connCount},
 * failed handshakes (NEVER_ESTABLISHED) included, as the original counts every closed socket; a failed handshake
 * never counts as persistent and adds no duration, because no connection lasted. A progress report (OPEN) adds
 * its bytes and moves {@code lastSeenMs}, nothing else: the connection is counted, timed and maybe persistent in
 * the window of its close, whose record carries the bytes since its last report. Every record adds its server
 * port to the window's distinct {@code serverPorts}, ascending and bounded to the {@value #MAX_SERVER_PORTS}
 * smallest, so an edge's value stays small whatever it connects to.
 */
public final class EdgeAggregator implements Aggregator<String, Connection, EdgeStats> {
  /** At most this many server ports are kept per edge and window (the smallest). */
  public static final int MAX_SERVER_PORTS = 16;

  private final long persistentThresholdMs;

  public EdgeAggregator(Duration persistentThreshold) {
    this.persistentThresholdMs = persistentThreshold.toMillis();
  }

  /** The aggregate before the first connection; its endpoints are set by the first {@link #apply}. */
  public static EdgeStats empty() {
    return new EdgeStats(null, null, 0L, 0L, 0L, 0L, 0L, 0L, 0L, null, List.of());
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
        .setServerPorts(withPort(agg.getServerPorts(), c.getServerPort()))
        .build();
  }

  /** {@code ports} (ascending, distinct) with {@code port} added in order, the largest dropped past the bound. */
  static List<Integer> withPort(List<Integer> ports, int port) {
    int at = Collections.binarySearch(ports, port);
    if (at >= 0 || (-at - 1) >= MAX_SERVER_PORTS) {
      return ports; // known, or larger than every kept port of a full list
    }
    List<Integer> added = new ArrayList<>(ports.size() + 1);
    added.addAll(ports);
    added.add(-at - 1, port);
    return added.size() > MAX_SERVER_PORTS ? added.subList(0, MAX_SERVER_PORTS) : added;
  }
}
