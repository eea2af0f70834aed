package io.k8spacket.streams.query;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.query.EdgeSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * Sums the windows of each edge key read for a range {@code [fromMs, toMs)} as they stream out of the store, so a
 * query holds one accumulator per edge instead of one sample per window (a 1-hour range over 10 000 edges reads
 * 600 000 windows). Windows that do not overlap the range are skipped; each edge becomes one sample spanning its
 * first window's start to its last window's end, with the endpoints of its most recent window.
 *
 * <p>Example: edge {@code web>db} in windows {@code [10:00,10:01)} (conn 1, ports 5432) and
 * {@code [10:05,10:06)} (conn 2, ports 5432, 6432) read for {@code [10:00,10:10)} gives one sample
 * {@code [10:00,10:06)} with conn 3, ports 5432, 6432.
 */
final class EdgeMerge {
  private final long fromMs;
  private final long toMs;
  private final Map<String, Edge> edges = new HashMap<>();

  EdgeMerge(long fromMs, long toMs) {
    this.fromMs = fromMs;
    this.toMs = toMs;
  }

  /** Adds one window of one edge. */
  void add(Windowed<String> key, EdgeStats stats) {
    long start = key.window().start();
    long end = key.window().end();
    if (start >= toMs || end <= fromMs) {
      return;
    }
    Edge edge = edges.get(key.key());
    if (edge == null) {
      edges.put(key.key(), new Edge(start, end, stats));
    } else {
      edge.add(start, end, stats);
    }
  }

  /** One sample per edge key seen. */
  List<EdgeSample> samples() {
    List<EdgeSample> samples = new ArrayList<>(edges.size());
    for (Edge e : edges.values()) {
      samples.add(new EdgeSample(e.startMs, e.endMs, EdgeStoreReader.view(e.latest.getClient()),
          EdgeStoreReader.view(e.latest.getServer()),
          e.latest.getService() == null ? null : EdgeStoreReader.view(e.latest.getService()), e.connCount,
          e.connPersistent, e.bytesSent, e.bytesReceived, e.durationMsSum, e.maxDurationMs, e.lastSeenMs,
          e.ports == null ? e.latest.getServerPorts() : List.copyOf(e.ports)));
    }
    return samples;
  }

  /** The running sums of one edge key. */
  private static final class Edge {
    long startMs;
    long endMs;
    EdgeStats latest;
    long connCount;
    long connPersistent;
    long bytesSent;
    long bytesReceived;
    long durationMsSum;
    long maxDurationMs;
    long lastSeenMs;
    TreeSet<Integer> ports; // null while every window had the first window's ports

    Edge(long startMs, long endMs, EdgeStats s) {
      this.startMs = startMs;
      this.endMs = endMs;
      this.latest = s;
      this.connCount = s.getConnCount();
      this.connPersistent = s.getConnPersistent();
      this.bytesSent = s.getBytesClientToServer();
      this.bytesReceived = s.getBytesServerToClient();
      this.durationMsSum = s.getDurationMsSum();
      this.maxDurationMs = s.getMaxDurationMs();
      this.lastSeenMs = s.getLastSeenMs();
    }

    void add(long start, long end, EdgeStats s) {
      startMs = Math.min(startMs, start);
      endMs = Math.max(endMs, end);
      connCount += s.getConnCount();
      connPersistent += s.getConnPersistent();
      bytesSent += s.getBytesClientToServer();
      bytesReceived += s.getBytesServerToClient();
      durationMsSum += s.getDurationMsSum();
      maxDurationMs = Math.max(maxDurationMs, s.getMaxDurationMs());
      if (ports != null || !s.getServerPorts().equals(latest.getServerPorts())) {
        if (ports == null) {
          ports = new TreeSet<>(latest.getServerPorts());
        }
        ports.addAll(s.getServerPorts());
      }
      if (s.getLastSeenMs() > lastSeenMs) {
        lastSeenMs = s.getLastSeenMs();
        latest = s;
      }
    }
  }
}
