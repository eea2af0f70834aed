package io.k8spacket.query.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats epoch milliseconds as Go's {@code time.RFC3339Nano} does in UTC: seconds always, then a fraction
 * without trailing zeros, then {@code Z}: {@code 2026-05-12T10:15:02.123Z}, {@code 2026-05-12T10:15:02.12Z},
 * {@code 2026-05-12T10:15:02Z}.
 */
public final class Rfc3339 {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private Rfc3339() {}

  /** The timestamp of {@code epochMs}. */
  public static String format(long epochMs) {
    Instant instant = Instant.ofEpochMilli(epochMs);
    int millis = instant.getNano() / 1_000_000;
    String fraction = "";
    if (millis != 0) {
      fraction = String.format(".%03d", millis);
      fraction = fraction.replaceAll("0+$", "");
    }
    return SECONDS.format(instant) + fraction + "Z";
  }
}
