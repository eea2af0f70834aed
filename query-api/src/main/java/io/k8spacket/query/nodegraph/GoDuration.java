package io.k8spacket.query.nodegraph;

/**
 * Formats nanoseconds the way Go's {@code time.Duration.String()} does, so duration stats read exactly like
 * the original's: {@code 0s}, {@code 850ns}, {@code 1.5µs}, {@code 50ms}, {@code 333.333333ms}, {@code 1.5s},
 * {@code 1m0s}, {@code 2h3m4.005s}. Fractions keep up to 9 digits with trailing zeros removed.
 */
public final class GoDuration {
  private static final long MICRO = 1_000L;
  private static final long MILLI = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private GoDuration() {}

  /** The Go spelling of a duration in nanoseconds. */
  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    if (nanos == Long.MIN_VALUE) {
      return "-2562047h47m16.854775808s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < MICRO) {
      return sign + u + "ns";
    }
    if (u < MILLI) {
      return sign + decimal(u, 3) + "µs";
    }
    if (u < SECOND) {
      return sign + decimal(u, 6) + "ms";
    }
    long totalSeconds = u / SECOND;
    String seconds = decimal(totalSeconds % 60 * SECOND + u % SECOND, 9) + "s";
    long minutes = totalSeconds / 60 % 60;
    long hours = totalSeconds / 3600;
    if (hours > 0) {
      return sign + hours + "h" + minutes + "m" + seconds;
    }
    if (minutes > 0) {
      return sign + minutes + "m" + seconds;
    }
    return sign + seconds;
  }

  /** {@code value / 10^digits} in decimal, without trailing zeros in the fraction (and no dot if none). */
  private static String decimal(long value, int digits) {
    long scale = (long) Math.pow(10, digits);
    long whole = value / scale;
    long fraction = value % scale;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    String padded = String.format("%0" + digits + "d", fraction);
    int end = padded.length();
    while (padded.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + padded.substring(0, end);
  }
}
