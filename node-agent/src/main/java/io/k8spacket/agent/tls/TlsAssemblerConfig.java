package io.k8spacket.agent.tls;

import static io.k8spacket.agent.Setting.longIn;

import io.k8spacket.agent.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Bounds and switches of the TLS reassembly, from variables named {@code K8SPACKET_AGENT_TLS_<NAME>} (production
 * passes the environment, tests a literal map). {@link #settings()} lists them for docs/config.md.
 *
 * @param maxDirectionBytes stream bytes kept per direction of a connection; a handshake longer than this is cut
 * @param maxTotalBytes bytes held by all connections together; beyond it the oldest connections are evicted
 * @param maxFlows connections tracked at once (including finished ones kept to absorb retransmissions)
 * @param handshakeTimeout how long after its first byte a handshake is emitted with what was seen
 * @param activeFetch whether TLS 1.3 chains are fetched by connecting to the server (opt-in)
 * @param fetchPeriod at most one fetch per (server, port, SNI) in this period
 * @param fetchTimeout connect and read timeout of one fetch
 */
public record TlsAssemblerConfig(int maxDirectionBytes, long maxTotalBytes, int maxFlows, Duration handshakeTimeout,
                                 boolean activeFetch, Duration fetchPeriod, Duration fetchTimeout) {

  /** Prefix of every variable. */
  public static final String PREFIX = "K8SPACKET_AGENT_TLS_";

  public TlsAssemblerConfig {
    if (maxDirectionBytes < 1024 || maxDirectionBytes > (1 << 24)) {
      throw new IllegalArgumentException("maxDirectionBytes must be in [1024, 16 MiB]: " + maxDirectionBytes);
    }
    if (maxTotalBytes < 2L * maxDirectionBytes) {
      throw new IllegalArgumentException("maxTotalBytes must hold one connection (2 x maxDirectionBytes = "
          + 2L * maxDirectionBytes + "): " + maxTotalBytes);
    }
    if (maxFlows < 1) {
      throw new IllegalArgumentException("maxFlows must be positive: " + maxFlows);
    }
    positive(handshakeTimeout, "handshakeTimeout");
    positive(fetchPeriod, "fetchPeriod");
    positive(fetchTimeout, "fetchTimeout");
  }

  private static void positive(Duration value, String field) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive: " + value);
    }
  }

  private static final Setting<Integer> MAX_DIRECTION_BYTES = setting("MAX_DIRECTION_BYTES", "65536",
      "Handshake bytes kept per direction of a connection (a longer handshake is cut), 1024 to 16 MiB.",
      text -> (int) longIn(text, 1024, 1 << 24));
  private static final Setting<Long> MAX_TOTAL_BYTES = setting("MAX_TOTAL_BYTES", String.valueOf(32L << 20),
      "Handshake bytes held by all connections together; beyond it the oldest are evicted and counted.",
      text -> longIn(text, 2048, 1L << 40));
  private static final Setting<Integer> MAX_FLOWS = setting("MAX_FLOWS", "20000",
      "Connections with a handshake in progress (or just finished) tracked at once; the oldest go first.",
      text -> (int) longIn(text, 1, 1 << 24));
  private static final Setting<Duration> HANDSHAKE_TIMEOUT_MS = setting("HANDSHAKE_TIMEOUT_MS", "5000",
      "A handshake not complete this long after its first byte is emitted with what was seen, ms.",
      text -> Duration.ofMillis(longIn(text, 1, 3_600_000)));
  private static final Setting<Boolean> ACTIVE_FETCH = setting("ACTIVE_FETCH", "false",
      "Fetch TLS 1.3 certificate chains (hidden in the handshake) by connecting to the server with the SNI seen.",
      Setting::bool);
  private static final Setting<Duration> FETCH_PERIOD_S = setting("FETCH_PERIOD_S", "3600",
      "At most one active fetch per (server IP, port, SNI) in this many seconds.",
      text -> Duration.ofSeconds(longIn(text, 1, 30L * 86_400)));
  private static final Setting<Duration> FETCH_TIMEOUT_MS = setting("FETCH_TIMEOUT_MS", "2000",
      "Connect and read timeout of one active fetch, ms.", text -> Duration.ofMillis(longIn(text, 1, 60_000)));

  private static final List<Setting<?>> ALL = List.of(MAX_DIRECTION_BYTES, MAX_TOTAL_BYTES, MAX_FLOWS,
      HANDSHAKE_TIMEOUT_MS, ACTIVE_FETCH, FETCH_PERIOD_S, FETCH_TIMEOUT_MS);

  /** Every default. */
  public static TlsAssemblerConfig defaults() {
    return fromEnv(Map.of());
  }

  /**
   * Reads every setting from {@code env}; missing or blank variables take their defaults.
   *
   * @throws IllegalArgumentException naming the variable when a value does not parse or the values conflict
   */
  public static TlsAssemblerConfig fromEnv(Map<String, String> env) {
    int direction = MAX_DIRECTION_BYTES.parse(env);
    long total = MAX_TOTAL_BYTES.parse(env);
    if (total < 2L * direction) {
      throw new IllegalArgumentException(PREFIX + "MAX_TOTAL_BYTES: '" + total + "' must be at least twice "
          + PREFIX + "MAX_DIRECTION_BYTES (" + direction + ")");
    }
    return new TlsAssemblerConfig(direction, total, MAX_FLOWS.parse(env), HANDSHAKE_TIMEOUT_MS.parse(env),
        ACTIVE_FETCH.parse(env), FETCH_PERIOD_S.parse(env), FETCH_TIMEOUT_MS.parse(env));
  }

  /** Every setting with its env name, default and doc, in a stable order. */
  public static List<Setting<?>> settings() {
    return ALL;
  }

  private static <T> Setting<T> setting(String name, String defaultValue, String doc, Function<String, T> parser) {
    return new Setting<>(PREFIX + name, defaultValue, doc, parser);
  }
}
