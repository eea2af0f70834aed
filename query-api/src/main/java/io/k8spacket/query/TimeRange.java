package io.k8spacket.query;

/**
 * A half-open query range {@code [fromMs, toMs)} in epoch milliseconds. Windows overlapping it count whole.
 */
public record TimeRange(long fromMs, long toMs) {
  public TimeRange {
    if (fromMs < 0) {
      throw new IllegalArgumentException("fromMs must be >= 0, was " + fromMs);
    }
    if (toMs < fromMs) {
      throw new IllegalArgumentException("toMs must be >= fromMs, was " + toMs + " < " + fromMs);
    }
  }

  /** True when the window {@code [startMs, endMs)} shares at least one millisecond with this range. */
  public boolean overlaps(long startMs, long endMs) {
    return startMs < toMs && endMs > fromMs;
  }
}
