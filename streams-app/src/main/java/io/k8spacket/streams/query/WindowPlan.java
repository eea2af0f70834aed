package io.k8spacket.streams.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Which windows answer a query range {@code [from, to)}: whole rollup windows (for example 1 hour) for the part
 * of the range they cover exactly, and fine windows (for example 1 minute) for the partial periods at both ends,
 * so a 7-day query reads about 170 rollup windows and at most two hours of fine ones instead of 10 080, and the
 * answer is the same as summing the fine windows. Fine windows round the ends out as before (every fine window
 * overlapping the range counts whole). The part of a range older than the fine store's retention is read from
 * the rollup windows overlapping it, rounded out to whole rollup windows.
 *
 * <p>Worked example, fine 1 min, rollup 1 h, fine retention reaching back to 00:00: {@code [09:30, 12:10)} reads
 * fine windows starting in {@code [09:30, 10:00)}, rollup windows starting in {@code [10:00, 12:00)} and fine
 * windows starting in {@code [12:00, 12:10)}. {@code [09:30, 10:30)} holds no whole hour: fine windows only.
 *
 * @param fine which fine windows to read (by start time)
 * @param rollup which rollup windows to read (by start time)
 */
public record WindowPlan(List<Starts> fine, List<Starts> rollup) {
  /** Windows whose start lies in {@code [fromMs, toMs)}. */
  public record Starts(long fromMs, long toMs) {
    public Starts {
      if (toMs <= fromMs) {
        throw new IllegalArgumentException("empty start range [" + fromMs + ", " + toMs + ")");
      }
    }
  }

  public WindowPlan {
    fine = List.copyOf(fine);
    rollup = List.copyOf(rollup);
  }

  /**
   * The plan for {@code [fromMs, toMs)} with fine windows of {@code fineMs}, rollup windows of {@code rollupMs}
   * (0 = no rollups; otherwise a multiple of {@code fineMs}) and fine windows kept from {@code fineOldestMs} on.
   */
  public static WindowPlan of(long fromMs, long toMs, long fineMs, long rollupMs, long fineOldestMs) {
    if (fineMs <= 0 || rollupMs < 0 || (rollupMs > 0 && rollupMs % fineMs != 0)) {
      throw new IllegalArgumentException("fine " + fineMs + " ms, rollup " + rollupMs + " ms: rollup must be 0 or a"
          + " positive multiple of the fine window");
    }
    if (toMs <= fromMs) {
      return new WindowPlan(List.of(), List.of());
    }
    if (rollupMs > 0 && fromMs < fineOldestMs) {
      // the fine store no longer covers the start: rollup windows, rounded out, up to where it does
      long cutoff = ceil(fineOldestMs, rollupMs);
      long firstStart = Math.floorDiv(fromMs, rollupMs) * rollupMs;
      if (toMs <= cutoff) {
        return new WindowPlan(List.of(), List.of(new Starts(firstStart, toMs)));
      }
      WindowPlan rest = of(cutoff, toMs, fineMs, rollupMs, fineOldestMs);
      List<Starts> rollup = new ArrayList<>(List.of(new Starts(firstStart, cutoff)));
      rollup.addAll(rest.rollup());
      return new WindowPlan(rest.fine(), merge(rollup));
    }
    long firstWhole = rollupMs == 0 ? 0 : ceil(fromMs, rollupMs);
    long endWhole = rollupMs == 0 ? 0 : Math.floorDiv(toMs, rollupMs) * rollupMs;
    if (rollupMs == 0 || endWhole - firstWhole < rollupMs) {
      return new WindowPlan(List.of(fineOverlapping(fromMs, toMs, fineMs)), List.of());
    }
    List<Starts> fine = new ArrayList<>();
    List<Starts> rollup = new ArrayList<>();
    rollup.add(new Starts(firstWhole, endWhole));
    if (fromMs < firstWhole) {
      fine.add(fineOverlapping(fromMs, firstWhole, fineMs));
    }
    if (endWhole < toMs) {
      fine.add(new Starts(endWhole, toMs)); // endWhole is aligned: no fine window straddles it
    }
    return new WindowPlan(fine, merge(rollup));
  }

  /** Fine windows overlapping {@code [fromMs, toMs)}: starts in {@code [fromMs - size + 1, toMs)}. */
  private static Starts fineOverlapping(long fromMs, long toMs, long fineMs) {
    return new Starts(Math.max(0, fromMs - fineMs + 1), toMs);
  }

  private static long ceil(long value, long unit) {
    return Math.floorDiv(value + unit - 1, unit) * unit;
  }

  /** Adjacent start ranges as one. */
  private static List<Starts> merge(List<Starts> ranges) {
    List<Starts> merged = new ArrayList<>();
    for (Starts r : ranges) {
      Starts last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && last.toMs() == r.fromMs()) {
        merged.set(merged.size() - 1, new Starts(last.fromMs(), r.toMs()));
      } else {
        merged.add(r);
      }
    }
    return merged;
  }
}
