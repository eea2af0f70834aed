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

  /** One sample per edge key seen, mapped as a single window would be ({@link EdgeStoreReader#sample}). */
  List<EdgeSample> samples() {
    List<EdgeSample> samples = new ArrayList<>(edges.size());
    for (Edge e : edges.values()) {
      samples.add(EdgeStoreReader.sample(e.startMs, e.endMs, e.sum));
    }
    return samples;
  }

  /** The windows of one edge key so far: their span, and their sum as one {@link EdgeStats} (a copy, mutated). */
  private static final class Edge {
    long startMs;
    long endMs;
    final EdgeStats sum;

    Edge(long startMs, long endMs, EdgeStats first) {
      this.startMs = startMs;
      this.endMs = endMs;
      this.sum = EdgeStats.newBuilder(first).build();
    }

    /** Counts and durations added, maxima kept, ports united; endpoints of the most recent window. */
    void add(long start, long end, EdgeStats s) {
      startMs = Math.min(startMs, start);
      endMs = Math.max(endMs, end);
      sum.setConnCount(sum.getConnCount() + s.getConnCount());
      sum.setConnPersistent(sum.getConnPersistent() + s.getConnPersistent());
      sum.setBytesClientToServer(sum.getBytesClientToServer() + s.getBytesClientToServer());
      sum.setBytesServerToClient(sum.getBytesServerToClient() + s.getBytesServerToClient());
      sum.setDurationMsSum(sum.getDurationMsSum() + s.getDurationMsSum());
      sum.setMaxDurationMs(Math.max(sum.getMaxDurationMs(), s.getMaxDurationMs()));
      if (!sum.getServerPorts().equals(s.getServerPorts())) {
        TreeSet<Integer> ports = new TreeSet<>(sum.getServerPorts());
        ports.addAll(s.getServerPorts());
        sum.setServerPorts(new ArrayList<>(ports));
      }
      if (s.getLastSeenMs() > sum.getLastSeenMs()) {
        sum.setLastSeenMs(s.getLastSeenMs());
        sum.setClient(s.getClient());
        sum.setServer(s.getServer());
        sum.setService(s.getService());
      }
    }
  }
}
