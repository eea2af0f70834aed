package io.k8spacket.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * <p>A group's name is taken from its most recent sample (an IP reused by another pod shows the latest pod).
 */
public final class EdgeQueryService {
  private static final Comparator<GroupedEdge> BY_KEYS =
      Comparator.comparing((GroupedEdge e) -> e.src().key()).thenComparing(e -> e.dst().key());

  private final EdgeReader reader;

  public EdgeQueryService(EdgeReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /**
   * Reads the samples of {@code query.range()}, filters them, groups both ends and sums per pair.
   *
   * @throws StoreUnavailableException when the store cannot answer now
   */
  public EdgeAggregate aggregate(EdgeQuery query) {
    TimeRange range = query.range();
    List<EdgeSample> samples = new ArrayList<>();
    long firstStart = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    for (EdgeSample s : reader.edges(range.fromMs(), range.toMs())) {
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
    Map<List<String>, EdgeTotals> sums = new LinkedHashMap<>();
    for (EdgeSample s : samples) {
      List<String> pair = List.of(query.groupBy().group(s.client()).key(),
          query.groupBy().group(s.server()).key());
      sums.merge(pair, EdgeTotals.of(s), EdgeTotals::plus);
    }
    List<GroupedEdge> edges = new ArrayList<>(sums.size());
    sums.forEach((pair, totals) ->
        edges.add(new GroupedEdge(groups.get(pair.get(0)), groups.get(pair.get(1)), totals)));
    edges.sort(BY_KEYS);
    return new EdgeAggregate(edges, Math.max(range.fromMs(), firstStart), Math.min(range.toMs(), lastEnd));
  }

  /** For each group key, the group as named by the sample seen last (ties: the smaller name, for stability). */
  private static Map<String, Group> latestGroups(List<EdgeSample> samples, GroupBy groupBy) {
    Map<String, Group> groups = new HashMap<>();
    Map<String, Long> seen = new HashMap<>();
    for (EdgeSample s : samples) {
      remember(groups, seen, groupBy.group(s.client()), s.lastSeenMs());
      remember(groups, seen, groupBy.group(s.server()), s.lastSeenMs());
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
