package io.k8spacket.query;

/**
 * Sums over connections: counts, application bytes (client to server is {@code bytesSent}), summed and maximum
 * duration in milliseconds, and the latest close time (epoch ms).
 */
public record EdgeTotals(long connCount, long connPersistent, long bytesSent, long bytesReceived,
    long durationMs, long maxDurationMs, long lastSeenMs) {
  /** Nothing counted yet. */
  public static final EdgeTotals ZERO = new EdgeTotals(0, 0, 0, 0, 0, 0, 0);

  /** The totals of one sample. */
  public static EdgeTotals of(EdgeSample s) {
    return new EdgeTotals(s.connCount(), s.connPersistent(), s.bytesSent(), s.bytesReceived(),
        s.durationMsSum(), s.maxDurationMs(), s.lastSeenMs());
  }

  /** Counts, bytes and durations added; maxima and last-seen as the larger of both. */
  public EdgeTotals plus(EdgeTotals o) {
    return new EdgeTotals(connCount + o.connCount, connPersistent + o.connPersistent,
        bytesSent + o.bytesSent, bytesReceived + o.bytesReceived, durationMs + o.durationMs,
        Math.max(maxDurationMs, o.maxDurationMs), Math.max(lastSeenMs, o.lastSeenMs));
  }

  /** The same totals seen from the other end: sent and received swapped. */
  public EdgeTotals reversed() {
    return new EdgeTotals(connCount, connPersistent, bytesReceived, bytesSent, durationMs, maxDurationMs,
        lastSeenMs);
  }

  /** Only the byte counts, as a client sees them; connection counts and durations zero. */
  public EdgeTotals bytesOnly() {
    return new EdgeTotals(0, 0, bytesSent, bytesReceived, 0, 0, lastSeenMs);
  }
}
