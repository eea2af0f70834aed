package io.k8spacket.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;

/**
 * Sums the windowed edge samples of a time range into edges between groups. No HTTP here: callers pass a
 * parsed {@link EdgeQuery}; the only dependency is {@link EdgeReader}.
 *
 * <p>Worked example: the store holds two one-minute windows of {@code shop/frontend} (pods {@code fe-1} at
 * 10.0.0.1 and {@code fe-2} at 10.0.0.2) calling pod {@code web-1} of {@code shop/web}:
 *
 * <pre>
 * window [10:00,10:01)  fe-1 -> web-1  conn 3, persistent 1, sent 300, recv 900, duration 60 ms, max 40
 * window [10:01,10:02)  fe-2 -> web-1  conn 1, persistent 0, sent 100, recv 100, duration 10 ms, max 10
 * window [10:05,10:06)  fe-1 -> web-1  conn 9 ...
 * </pre>
 *
 * {@code aggregate(new EdgeQuery(new TimeRange(10:00:30, 10:02), SampleFilter.NONE, GroupBy.WORKLOAD))}
 * keeps the first two windows (the first overlaps the range start, so it counts whole), drops the third, and
 * returns one edge {@code shop/frontend -> shop/web} with conn 4, persistent 1, sent 400, recv 1000,
 * duration 70, max 40, covered range [10:00:30, 10:02). With {@code GroupBy.IP} it returns two edges,
 * {@code 10.0.0.1 -> <web-1 IP>} and {@code 10.0.0.2 -> <web-1 IP>}.
 *
 * <p>Samples through a Service sum apart from direct ones: the grouped edge carries the Service's group
 * ({@code shop/svc.web}). Under {@link GroupBy#SERVICE} the server side of such samples is that Service.
 *
 * <p>Each grouped edge lists the distinct server ports of its samples (the smallest {@value GroupedEdge#MAX_PORTS}).
 *
 * <p>A group's name is taken from its most recent sample (an IP reused by another pod shows the latest pod).
 */
public final class EdgeQueryService {
  private static final Comparator<GroupedEdge> BY_KEYS =
      Comparator.comparing((GroupedEdge e) -> e.src().key()).thenComparing(e -> e.dst().key())
          .thenComparing(e -> e.service() == null ? "" : e.service().key());

  private final EdgeReader reader;

  public EdgeQueryService(EdgeReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /** {@link #aggregate(EdgeQuery, QueryContext)} without credentials. */
  public EdgeAggregate aggregate(EdgeQuery query) {
    return aggregate(query, QueryContext.anonymous());
  }

  /**
   * Reads the samples of {@code query.range()}, filters them, groups both ends and sums per pair. The reader
   * reports in {@code context} any instance whose share of the store is missing from the answer.
   *
   * @throws StoreUnavailableException when the store cannot answer now
   */
  public EdgeAggregate aggregate(EdgeQuery query, QueryContext context) {
    TimeRange range = query.range();
    List<EdgeSample> samples = new ArrayList<>();
    long firstStart = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    for (EdgeSample s : reader.edges(range.fromMs(), range.toMs(), context)) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("query interrupted"); // past its deadline: the caller has gone
      }
      if (!range.overlaps(s.windowStartMs(), s.windowEndMs())) {
        continue; // the reader may round generously; the range is the contract
      }
      firstStart = Math.min(firstStart, s.windowStartMs());
      lastEnd = Math.max(lastEnd, s.windowEndMs());
      if (query.filter().test(s)) {
        samples.add(s);
      }
    }
    if (firstStart == Long.MAX_VALUE) {
      return new EdgeAggregate(List.of(), range.fromMs(), range.fromMs());
    }
    Map<String, Group> groups = latestGroups(samples, query.groupBy());
    Map<PairKey, EdgeTotals> sums = new LinkedHashMap<>();
    Map<PairKey, TreeSet<Integer>> ports = new HashMap<>();
    for (EdgeSample s : samples) {
      PairKey pair = PairKey.of(s, query.groupBy());
      sums.merge(pair, EdgeTotals.of(s), EdgeTotals::plus);
      if (!s.serverPorts().isEmpty()) {
        ports.computeIfAbsent(pair, k -> new TreeSet<>()).addAll(s.serverPorts());
      }
    }
    List<GroupedEdge> edges = new ArrayList<>(sums.size());
    sums.forEach((k, totals) -> edges.add(new GroupedEdge(groups.get(k.src()), groups.get(k.dst()),
        k.service() == null ? null : groups.get(k.service()), totals,
        List.copyOf(ports.getOrDefault(k, new TreeSet<>())))));
    edges.sort(BY_KEYS);
    return new EdgeAggregate(edges, Math.max(range.fromMs(), firstStart), Math.min(range.toMs(), lastEnd));
  }

  /** What one grouped edge sums over: the client group, the server group and the Service group (or null). */
  private record PairKey(String src, String dst, String service) {
    static PairKey of(EdgeSample s, GroupBy groupBy) {
      String service = s.service() == null ? null : GroupBy.service(s.service()).key();
      return new PairKey(groupBy.group(s.client()).key(), groupBy.server(s).key(), service);
    }
  }

  /** For each group key, the group as named by the sample seen last (ties: the smaller name, for stability). */
  private static Map<String, Group> latestGroups(List<EdgeSample> samples, GroupBy groupBy) {
    Map<String, Group> groups = new HashMap<>();
    Map<String, Long> seen = new HashMap<>();
    for (EdgeSample s : samples) {
      remember(groups, seen, groupBy.group(s.client()), s.lastSeenMs());
      remember(groups, seen, groupBy.server(s), s.lastSeenMs());
      if (s.service() != null) {
        remember(groups, seen, GroupBy.service(s.service()), s.lastSeenMs());
      }
    }
    return groups;
  }

  private static void remember(Map<String, Group> groups, Map<String, Long> seen, Group g, long lastSeenMs) {
    Long before = seen.get(g.key());
    boolean newer = before == null || lastSeenMs > before
        || (lastSeenMs == before && g.name().compareTo(groups.get(g.key()).name()) < 0);
    if (newer) {
      groups.put(g.key(), g);
      seen.put(g.key(), lastSeenMs);
    }
  }
}
