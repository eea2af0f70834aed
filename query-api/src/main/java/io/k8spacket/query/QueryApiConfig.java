package io.k8spacket.query;

import java.util.List;
import java.util.Map;

/**
 * Settings of the query API, read from environment variables {@code K8SPACKET_API_<NAME>} (production passes
 * {@code System.getenv()}, tests a literal map). {@link #settings()} lists each with its default and doc.
 *
 * @param port TCP port the process main starts the API on
 * @param windowMs length of the edge store's windows in ms
 * @param maxParamLength longest accepted query-parameter value, in characters
 * @param retryAfterSeconds the {@code Retry-After} of a 503
 */
public record QueryApiConfig(int port, long windowMs, int maxParamLength, int retryAfterSeconds) {
  public static final String PORT = "K8SPACKET_API_PORT";
  public static final String WINDOW_MS = "K8SPACKET_API_WINDOW_MS";
  public static final String MAX_PARAM_LENGTH = "K8SPACKET_API_MAX_PARAM_LENGTH";
  public static final String RETRY_AFTER_SECONDS = "K8SPACKET_API_RETRY_AFTER_SECONDS";

  /** One environment variable: its name, default and a one-line description. */
  public record Setting(String name, String defaultValue, String doc) {}

  private static final List<Setting> SETTINGS = List.of(
      new Setting(PORT, "6676", "TCP port of the query API (the original's container port)."),
      new Setting(WINDOW_MS, "60000",
          "Length of the edge store's windows in ms; a query without `to` ends one window after now."),
      new Setting(MAX_PARAM_LENGTH, "1000", "Longest accepted query-parameter value in characters (else 400)."),
      new Setting(RETRY_AFTER_SECONDS, "5", "Retry-After (seconds) sent with a 503 while the stores are unavailable."));

  public QueryApiConfig {
    requireRange(PORT, port, 0, 65_535);
    requireRange(WINDOW_MS, windowMs, 1, Long.MAX_VALUE);
    requireRange(MAX_PARAM_LENGTH, maxParamLength, 1, Integer.MAX_VALUE);
    requireRange(RETRY_AFTER_SECONDS, retryAfterSeconds, 0, Integer.MAX_VALUE);
  }

  /** Every setting, in a stable order, for {@code docs/config.md} and {@code --help}. */
  public static List<Setting> settings() {
    return SETTINGS;
  }

  /** All defaults. */
  public static QueryApiConfig defaults() {
    return fromMap(Map.of());
  }

  /**
   * Reads the settings from {@code env}; absent or blank values take the default.
   *
   * @throws IllegalArgumentException naming the variable when a value is not a number or out of range
   */
  public static QueryApiConfig fromMap(Map<String, String> env) {
    return new QueryApiConfig(integer(env, PORT), number(env, WINDOW_MS), integer(env, MAX_PARAM_LENGTH),
        integer(env, RETRY_AFTER_SECONDS));
  }

  private static int integer(Map<String, String> env, String name) {
    long value = number(env, name);
    requireRange(name, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
    return (int) value;
  }

  private static long number(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      value = SETTINGS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().defaultValue();
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'", e);
    }
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }
}
