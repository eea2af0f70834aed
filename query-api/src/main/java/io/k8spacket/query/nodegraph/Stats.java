package io.k8spacket.query.nodegraph;

import io.k8spacket.query.EdgeTotals;

/**
 * The stat strings and arcs of one node or edge in one {@link StatsType}, as the original wrote them, with two
 * corrections documented in the module README: byte rates are bytes per second of wall clock (the original
 * divided by summed connection milliseconds), and the duration floor {@code <0.001s} applies below 1 ms (the
 * original compared milliseconds with 0.001).
 *
 * <pre>
 *              node main / secondary          node arcs                    edge main / secondary
 * connection   all: 12 / persistent: 3        3/12, 9/12                   all: 12 / persistent: 3
 * bytes        recv: 1.50KB/s / resp: 200.00B/s  recv/(recv+sent), sent/…  sent: …/s / recv: …/s
 * duration     avg: 50ms / max: 200ms         avg/max, (max-avg)/max       avg: 50ms / max: 200ms
 * </pre>
 *
 * No data gives {@code N/A} and arcs 0 (a node's connection and duration stats describe it as a server, so a
 * pure client shows N/A there).
 */
public record Stats(String mainStat, String secondaryStat, double arc1, double arc2) {
  private static final String NA = "N/A";
  private static final long NANOS_PER_MS = 1_000_000L;

  /** Stats of a node, whose totals are its incoming connections plus the bytes it sent and received. */
  public static Stats node(StatsType type, EdgeTotals t, double seconds) {
    return switch (type) {
      case CONNECTION -> t.connCount() == 0
          ? new Stats("all: " + NA, "persistent: " + NA, 0, 0)
          : new Stats("all: " + t.connCount(), "persistent: " + t.connPersistent(),
              share(t.connPersistent(), t.connCount()), share(t.connCount() - t.connPersistent(), t.connCount()));
      case BYTES -> hasBytes(t, seconds)
          ? new Stats("recv: " + rate(t.bytesReceived(), seconds), "resp: " + rate(t.bytesSent(), seconds),
              share(t.bytesReceived(), t.bytesReceived() + t.bytesSent()),
              share(t.bytesSent(), t.bytesReceived() + t.bytesSent()))
          : new Stats("recv: " + NA, "resp: " + NA, 0, 0);
      case DURATION -> duration(t, true);
    };
  }

  /** Stats of an edge; the arcs are unused (0). */
  public static Stats edge(StatsType type, EdgeTotals t, double seconds) {
    return switch (type) {
      case CONNECTION -> new Stats("all: " + t.connCount(), "persistent: " + t.connPersistent(), 0, 0);
      case BYTES -> hasBytes(t, seconds)
          ? new Stats("sent: " + rate(t.bytesSent(), seconds), "recv: " + rate(t.bytesReceived(), seconds), 0, 0)
          : new Stats("sent: " + NA, "recv: " + NA, 0, 0);
      case DURATION -> duration(t, false);
    };
  }

  private static Stats duration(EdgeTotals t, boolean withArcs) {
    if (t.connCount() == 0) {
      return new Stats("avg: " + NA, "max: " + NA, 0, 0);
    }
    long avgNanos = t.durationMs() / t.connCount() * NANOS_PER_MS
        + t.durationMs() % t.connCount() * NANOS_PER_MS / t.connCount();
    long maxNanos = t.maxDurationMs() * NANOS_PER_MS;
    double arc1 = withArcs ? share(avgNanos, maxNanos) : 0;
    double arc2 = withArcs ? share(maxNanos - avgNanos, maxNanos) : 0;
    return new Stats("avg: " + goDuration(avgNanos), "max: " + goDuration(maxNanos), arc1, arc2);
  }

  private static String goDuration(long nanos) {
    return nanos < NANOS_PER_MS ? "<0.001s" : GoDuration.format(nanos);
  }

  private static boolean hasBytes(EdgeTotals t, double seconds) {
    return seconds > 0 && (t.bytesSent() > 0 || t.bytesReceived() > 0);
  }

  private static String rate(long bytes, double seconds) {
    return ByteSize.format(bytes / seconds) + "/s";
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
