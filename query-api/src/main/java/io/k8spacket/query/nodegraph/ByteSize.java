package io.k8spacket.query.nodegraph;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Formats a byte count the way the original's byte-size library printed it: the largest 1024-based unit not
 * above the value (B, KB, MB, GB, TB, PB, EB, ZB, YB), two decimals, no space: {@code 200.00B},
 * {@code 1.50KB}, {@code 3.00MB}. Rounding is half-even on the exact binary value, as Go's {@code %.2f}.
 */
public final class ByteSize {
  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};

  private ByteSize() {}

  /** The formatted size; negative values and NaN are printed in bytes. */
  public static String format(double bytes) {
    int unit = 0;
    double unitSize = 1;
    while (unit < UNITS.length - 1 && bytes >= unitSize * 1024) {
      unitSize *= 1024;
      unit++;
    }
    double value = bytes / unitSize;
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value + UNITS[unit];
    }
    return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + UNITS[unit];
  }
}
