package io.k8spacket.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a small sample: median, percentiles (nearest rank), min, max. */
public final class Stats {
  private final double[] sorted;

  private Stats(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    this.sorted = values.clone();
    Arrays.sort(sorted);
  }

  public static Stats of(List<Double> values) {
    return new Stats(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public static Stats of(double... values) {
    return new Stats(values);
  }

  public int count() {
    return sorted.length;
  }

  public double median() {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Nearest-rank percentile: the smallest value with at least {@code p}% of the sample at or below it. */
  public double percentile(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public double min() {
    return sorted[0];
  }

  public double max() {
    return sorted[sorted.length - 1];
  }

  public double[] values() {
    return sorted.clone();
  }
}
