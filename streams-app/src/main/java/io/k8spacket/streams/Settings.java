package io.k8spacket.streams;

import io.k8spacket.streams.StreamsAppConfig.Setting;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@link Setting} is declared and read: its value in the environment (missing or blank = the default) parsed
 * as text, a duration, a boolean, an integer or host:port, or an {@link IllegalArgumentException} naming the
 * variable, the value and what it must be: {@code K8SPACKET_STREAMS_WINDOW_SIZE='0s' must be greater than zero}.
 */
final class Settings {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern HOST_PORT = Pattern.compile("([^\\s:,]+|\\[[0-9a-fA-F:.]+]):(\\d{1,5})");

  private Settings() {}

  /** A setting named {@code K8SPACKET_STREAMS_<name>}. */
  static Setting setting(String name, String defaultValue, String doc) {
    return new Setting(StreamsAppConfig.PREFIX + name, defaultValue, doc);
  }

  static String raw(Map<String, String> env, Setting s) {
    String v = env.get(s.env());
    return v == null || v.isBlank() ? s.defaultValue() : v.trim();
  }

  static String nonBlank(Map<String, String> env, Setting s) {
    String v = raw(env, s);
    if (v.isEmpty()) {
      throw bad(s, v, "must not be empty");
    }
    return v;
  }

  static Duration duration(Map<String, String> env, Setting s) {
    String v = raw(env, s);
    Duration d = parseDuration(v);
    if (d == null || d.isNegative()) {
      throw bad(s, v, "must be a duration such as 500ms, 10s, 1m, 2h, 1d or PT1M");
    }
    return d;
  }

  static Duration positiveDuration(Map<String, String> env, Setting s) {
    Duration d = duration(env, s);
    if (d.isZero()) {
      throw bad(s, raw(env, s), "must be greater than zero");
    }
    return d;
  }

  /** {@code 500ms}, {@code 10s}, {@code 1m}, {@code 2h}, {@code 1d} or ISO-8601; null when unparsable. */
  static Duration parseDuration(String v) {
    Matcher m = SHORT_DURATION.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(v);
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  static boolean bool(Map<String, String> env, Setting s) {
    String v = raw(env, s).toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw bad(s, raw(env, s), "must be true or false");
    }
    return v.equals("true");
  }

  static int intAtLeast(Map<String, String> env, Setting s, int min) {
    String v = raw(env, s);
    try {
      int n = Integer.parseInt(v);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(s, v, "must be an integer >= " + min);
  }

  static String hostPorts(Map<String, String> env, Setting s) {
    String v = nonBlank(env, s);
    for (String part : v.split(",", -1)) {
      hostPort(s, part.trim());
    }
    return v;
  }

  static String hostPort(Setting s, String v) {
    Matcher m = HOST_PORT.matcher(v);
    if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
      throw bad(s, v, "must be host:port with a port in 1..65535");
    }
    return v;
  }

  static IllegalArgumentException bad(Setting s, String value, String why) {
    return new IllegalArgumentException(s.env() + "='" + value + "' " + why);
  }
}
