package io.k8spacket.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of the query API, read from environment variables {@code K8SPACKET_API_<NAME>} (production passes
 * {@code System.getenv()}, tests a literal map). {@link #settings()} lists each with its default and doc.
 *
 * @param port TCP port the process main starts the API on
 * @param windowMs length of the edge store's windows in ms
 * @param maxParamLength longest accepted query-parameter value, in characters
 * @param retryAfterSeconds the {@code Retry-After} of a 503
 * @param token the bearer token every data endpoint requires; empty = no authentication
 * @param corsOrigins origins allowed by CORS: {@code ["*"]} or a list of {@code scheme://host[:port]}
 * @param maxHeaderBytes largest request line plus headers, in bytes
 * @param queryTimeoutMs longest a request may spend in its store query, in ms (then 503)
 * @param maxThreads HTTP worker threads, and the bound on concurrent store queries
 * @param maxConnections most open client connections
 * @param peerTimeoutMs longest a query waits for one peer instance's share, in ms (then answered without it)
 */
public record QueryApiConfig(int port, long windowMs, int maxParamLength, int retryAfterSeconds,
    Optional<BearerToken> token, List<String> corsOrigins, int maxHeaderBytes, long queryTimeoutMs, int maxThreads,
    int maxConnections, long peerTimeoutMs) {
  public static final String PORT = "K8SPACKET_API_PORT";
  public static final String WINDOW_MS = "K8SPACKET_API_WINDOW_MS";
  public static final String MAX_PARAM_LENGTH = "K8SPACKET_API_MAX_PARAM_LENGTH";
  public static final String RETRY_AFTER_SECONDS = "K8SPACKET_API_RETRY_AFTER_SECONDS";
  public static final String TOKEN = "K8SPACKET_API_TOKEN";
  public static final String TOKEN_FILE = "K8SPACKET_API_TOKEN_FILE";
  public static final String CORS_ORIGINS = "K8SPACKET_API_CORS_ORIGINS";
  public static final String MAX_HEADER_BYTES = "K8SPACKET_API_MAX_HEADER_BYTES";
  public static final String QUERY_TIMEOUT_MS = "K8SPACKET_API_QUERY_TIMEOUT_MS";
  public static final String MAX_THREADS = "K8SPACKET_API_MAX_THREADS";
  public static final String MAX_CONNECTIONS = "K8SPACKET_API_MAX_CONNECTIONS";
  public static final String PEER_TIMEOUT_MS = "K8SPACKET_API_PEER_TIMEOUT_MS";
  /** The CORS setting that allows every origin. */
  public static final String ANY_ORIGIN = "*";

  /** A browser's {@code Origin}: scheme, host (name, IPv4 or bracketed IPv6), optional port; no path. */
  private static final Pattern ORIGIN = Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?");

  /** One environment variable: its name, default and a one-line description. */
  public record Setting(String name, String defaultValue, String doc) {}

  private static final List<Setting> SETTINGS = List.of(
      new Setting(PORT, "6676", "TCP port of the query API (the original's container port)."),
      new Setting(WINDOW_MS, "60000",
          "Length of the edge store's windows in ms; a query without `to` ends one window after now."),
      new Setting(MAX_PARAM_LENGTH, "1000", "Longest accepted query-parameter value in characters (else 400)."),
      new Setting(RETRY_AFTER_SECONDS, "5",
          "Retry-After (seconds) sent with a 503: stores unavailable, or a query past its deadline."),
      new Setting(TOKEN, "", "Bearer token required (`Authorization: Bearer <token>`) by every endpoint but "
          + "/nodegraph/api/health and /metrics; empty = no authentication."),
      new Setting(TOKEN_FILE, "", "File holding the bearer token (read once at start, trimmed), e.g. a mounted "
          + "Secret; set this or K8SPACKET_API_TOKEN, not both."),
      new Setting(CORS_ORIGINS, ANY_ORIGIN,
          "Origins a browser may read the API from: `*` or a comma-separated list like `https://grafana.example.com`."),
      new Setting(MAX_HEADER_BYTES, "8192",
          "Largest request line plus headers in bytes (longer URI: 414, larger headers: 431)."),
      new Setting(QUERY_TIMEOUT_MS, "10000",
          "Longest a request may spend on its store query in ms; then 503 with Retry-After."),
      new Setting(MAX_THREADS, "32",
          "HTTP worker threads (Jetty adds one per CPU for I/O); also bounds concurrent store queries."),
      new Setting(MAX_CONNECTIONS, "512",
          "Most open client connections; further connections wait in the TCP backlog until one closes."),
      new Setting(PEER_TIMEOUT_MS, "2000", "Longest a query waits for a peer instance's share of the stores in ms; "
          + "then it answers without it and names the peer in the X-K8spacket-Partial header (keep it below "
          + "K8SPACKET_API_QUERY_TIMEOUT_MS)."));

  public QueryApiConfig {
    requireRange(PORT, port, 0, 65_535);
    requireRange(WINDOW_MS, windowMs, 1, Long.MAX_VALUE);
    requireRange(MAX_PARAM_LENGTH, maxParamLength, 1, Integer.MAX_VALUE);
    requireRange(RETRY_AFTER_SECONDS, retryAfterSeconds, 0, Integer.MAX_VALUE);
    Objects.requireNonNull(token, "token");
    corsOrigins = List.copyOf(corsOrigins);
    if (corsOrigins.isEmpty() || (corsOrigins.contains(ANY_ORIGIN) && corsOrigins.size() > 1)) {
      throw new IllegalArgumentException(CORS_ORIGINS + " must be * or a list of origins, was " + corsOrigins);
    }
    requireRange(MAX_HEADER_BYTES, maxHeaderBytes, 1024, 1 << 20);
    requireRange(QUERY_TIMEOUT_MS, queryTimeoutMs, 1, 3_600_000);
    requireRange(MAX_THREADS, maxThreads, 4, 10_000);
    requireRange(MAX_CONNECTIONS, maxConnections, 1, 1_000_000);
    requireRange(PEER_TIMEOUT_MS, peerTimeoutMs, 1, 3_600_000);
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
   * Reads the settings from {@code env}; absent or blank values take the default. The token file, when set, is
   * read here, once.
   *
   * @throws IllegalArgumentException naming the variable when a value is not a number, out of range, or the
   *     token file cannot be read (never quoting the token)
   */
  public static QueryApiConfig fromMap(Map<String, String> env) {
    return new QueryApiConfig(integer(env, PORT), number(env, WINDOW_MS), integer(env, MAX_PARAM_LENGTH),
        integer(env, RETRY_AFTER_SECONDS), token(env), origins(env), integer(env, MAX_HEADER_BYTES),
        number(env, QUERY_TIMEOUT_MS), integer(env, MAX_THREADS), integer(env, MAX_CONNECTIONS),
        number(env, PEER_TIMEOUT_MS));
  }

  /** True when a bearer token is configured. */
  public boolean authRequired() {
    return token.isPresent();
  }

  private static Optional<BearerToken> token(Map<String, String> env) {
    String direct = text(env, TOKEN).trim();
    String file = text(env, TOKEN_FILE).trim();
    if (!direct.isEmpty() && !file.isEmpty()) {
      throw new IllegalArgumentException("set " + TOKEN + " or " + TOKEN_FILE + ", not both");
    }
    if (!direct.isEmpty()) {
      return Optional.of(BearerToken.of(TOKEN, direct));
    }
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(file);
    try {
      if (Files.size(path) > BearerToken.MAX_LENGTH + 64L) {
        throw new IllegalArgumentException(TOKEN_FILE + " " + path + " is larger than a token can be");
      }
      return Optional.of(BearerToken.of(TOKEN_FILE + " " + path, Files.readString(path).trim()));
    } catch (IOException | UncheckedIOException e) {
      // the exception's class and the path only: an I/O message never carries the file's content
      throw new IllegalArgumentException(TOKEN_FILE + " " + path + " cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private static List<String> origins(Map<String, String> env) {
    List<String> origins = Arrays.stream(text(env, CORS_ORIGINS).split(","))
        .map(String::trim)
        .filter(o -> !o.isEmpty())
        .toList();
    for (String origin : origins) {
      if (!origin.equals(ANY_ORIGIN) && !ORIGIN.matcher(origin).matches()) {
        throw new IllegalArgumentException(CORS_ORIGINS + " entries must be * or scheme://host[:port] without a "
            + "path, was '" + origin + "'");
      }
    }
    return origins;
  }

  private static String text(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return SETTINGS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().defaultValue();
    }
    return value;
  }

  private static int integer(Map<String, String> env, String name) {
    long value = number(env, name);
    requireRange(name, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
    return (int) value;
  }

  private static long number(Map<String, String> env, String name) {
    String value = text(env, name);
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
