package io.k8spacket.agent;

import io.k8spacket.agent.tls.TlsAssemblerConfig;
import io.k8spacket.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The agent's whole configuration, typed, built from environment variables named {@code K8SPACKET_AGENT_<NAME>}
 * (production passes {@code System.getenv()}, tests a literal map). Every setting has an env name, a parser, a
 * default and a one-line doc ({@link Setting}); {@link #settings()} lists them for docs/config.md.
 */
public record AgentConfig(
    String kafkaBootstrap,
    String tcpTopic,
    String nodeName,
    int httpPort,
    int reportIntervalMs,
    int ringBytes,
    int pollIntervalMs,
    int pollBatch,
    boolean ignoreLoopback,
    long producerBufferBytes,
    int producerMaxBlockMs,
    int producerDeliveryTimeoutMs,
    Optional<Path> kafkaConfigFile,
    boolean tlsEnabled,
    String tlsTopic,
    String tlsInterfaces,
    int tlsInterfacePollMs,
    TlsAttach tlsAttach,
    int tlsRingBytes,
    int tlsKernelFlows,
    int tlsFlowBudgetBytes,
    TlsAssemblerConfig tlsAssembly) {

  /** How the TLS programs are attached: TCX links if the kernel has them, else clsact filters; or forced. */
  public enum TlsAttach { AUTO, TCX, TC }

  /**
   * Interfaces followed by default: host-side pod veths of the common CNIs (veth: bridge/kindnet/flannel,
   * cali: Calico, cilium/lxc: Cilium, gke, eni: AWS VPC CNI, azv: Azure), their overlay and tunnel devices
   * (vxlan, flannel, cni, tun, wg) and uplinks (eth, ens, enp, eno, bond, wl). A packet seen on two of them is
   * copied once: the kernel follows each flow direction once, whichever interface sees it first.
   */
  public static final String DEFAULT_TLS_INTERFACES =
      "^(veth|cali|cilium|lxc|gke|eni|azv|vxlan|flannel|cni|tun|wg|eth|ens|enp|eno|bond|wl)";

  /** Prefix of every variable. */
  public static final String PREFIX = "K8SPACKET_AGENT_";

  private static final int MIB = 1 << 20;
  private static final Setting<String> KAFKA_BOOTSTRAP = setting("KAFKA_BOOTSTRAP", "127.0.0.1:9092",
      "Kafka bootstrap servers, host:port[,host:port...].", AgentConfig::nonEmpty);
  private static final Setting<String> TCP_TOPIC = setting("TCP_TOPIC", Topics.TCP,
      "Topic for TCP connection events.", AgentConfig::nonEmpty);
  private static final Setting<String> NODE_NAME = setting("NODE_NAME", "",
      "Node name written into every event; empty = this host's name (set it from spec.nodeName in a cluster).",
      text -> text.isEmpty() ? hostName() : text);
  private static final Setting<Integer> HTTP_PORT = setting("HTTP_PORT", "9400",
      "Port of /metrics and /healthz; 0 = any free port.", text -> intIn(text, 0, 65535));
  private static final Setting<Integer> REPORT_INTERVAL_MS = setting("REPORT_INTERVAL_MS", "15000",
      "Open connections report their bytes so far about this often (ms; at their next send or receive call,"
          + " kernel 6.3+); 0 = only at close.", text -> intIn(text, 0, 3_600_000));
  private static final Setting<Integer> RING_BYTES = setting("RING_BYTES", String.valueOf(8 * MIB),
      "Ring buffer size in bytes: a power of two, 4096 to 1 GiB; 104-byte events take 112 bytes each.",
      AgentConfig::ringSize);
  private static final Setting<Integer> POLL_INTERVAL_MS = setting("POLL_INTERVAL_MS", "10",
      "How often the ring buffer is drained, ms (the kernel never wakes the reader).",
      text -> intIn(text, 1, 10_000));
  private static final Setting<Integer> POLL_BATCH = setting("POLL_BATCH", "4096",
      "Most events read per drain before the reader checks for shutdown.", text -> intIn(text, 1, 1 << 20));
  private static final Setting<Boolean> IGNORE_LOOPBACK = setting("IGNORE_LOOPBACK", "true",
      "Skip connections on 127.0.0.0/8 and ::1 (never between pods).", Setting::bool);
  private static final Setting<Long> PRODUCER_BUFFER_BYTES = setting("PRODUCER_BUFFER_BYTES",
      String.valueOf(32L * MIB), "Encoded bytes of events kept while Kafka does not acknowledge them (outage);"
      + " beyond it events are dropped and counted. The producer may use twice this plus 1 MiB of heap.",
      text -> (long) intIn(text, MIB, Integer.MAX_VALUE / 4));
  private static final Setting<Integer> PRODUCER_MAX_BLOCK_MS = setting("PRODUCER_MAX_BLOCK_MS", "0",
      "Longest a ring reader may wait for room in PRODUCER_BUFFER_BYTES before it drops the event, ms; 0 = never"
          + " waits (Kafka itself is waited for by a sender thread, never by the readers).",
      text -> intIn(text, 0, 60_000));
  private static final Setting<Integer> PRODUCER_DELIVERY_TIMEOUT_MS = setting("PRODUCER_DELIVERY_TIMEOUT_MS",
      "600000", "How long a kept event waits for Kafka before it is dropped and counted, ms: the longest outage that"
          + " loses nothing within PRODUCER_BUFFER_BYTES.",
      text -> intIn(text, 60_000, 86_400_000));
  private static final Setting<Optional<Path>> KAFKA_CONFIG_FILE = setting("KAFKA_CONFIG_FILE", "",
      "Optional Java properties file merged into the producer config (TLS, SASL).",
      text -> text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text)));

  private static final Setting<Boolean> TLS_ENABLED = setting("TLS_ENABLED", "true",
      "Capture TLS handshakes with TC programs on the followed interfaces (needs CAP_NET_ADMIN too).",
      Setting::bool);
  private static final Setting<String> TLS_TOPIC = setting("TLS_TOPIC", Topics.TLS,
      "Topic for TLS handshake events.", AgentConfig::nonEmpty);
  private static final Setting<String> TLS_INTERFACES = setting("TLS_INTERFACES", DEFAULT_TLS_INTERFACES,
      "Regular expression (found anywhere in the name) of the interfaces whose TLS handshakes are captured.",
      AgentConfig::regex);
  private static final Setting<Integer> TLS_INTERFACE_POLL_MS = setting("TLS_INTERFACE_POLL_MS", "2000",
      "How often /sys/class/net is read for interfaces that appeared or disappeared, ms.",
      text -> intIn(text, 100, 600_000));
  private static final Setting<TlsAttach> TLS_ATTACH = setting("TLS_ATTACH", "auto",
      "auto: TCX links on kernels with TCX (6.6+), clsact filters otherwise; tcx or tc forces one.",
      AgentConfig::tlsAttach);
  private static final Setting<Integer> TLS_RING_BYTES = setting("TLS_RING_BYTES", String.valueOf(4 * MIB),
      "TLS ring buffer size in bytes: a power of two, 4096 to 1 GiB; a chunk takes 72 bytes plus its payload.",
      AgentConfig::ringSize);
  private static final Setting<Integer> TLS_KERNEL_FLOWS = setting("TLS_KERNEL_FLOWS", "16384",
      "TCP flow directions the kernel follows at once while their handshake goes on (LRU beyond).",
      text -> intIn(text, 1, 1 << 24));
  private static final Setting<Integer> TLS_KERNEL_FLOW_BUDGET_BYTES = setting("TLS_KERNEL_FLOW_BUDGET_BYTES",
      "65536", "Handshake bytes the kernel copies per flow direction at most (longer handshakes are cut).",
      text -> intIn(text, 1024, 1 << 24));

  private static final List<Setting<?>> ALL = List.of(KAFKA_BOOTSTRAP, TCP_TOPIC, NODE_NAME, HTTP_PORT, REPORT_INTERVAL_MS,
      RING_BYTES, POLL_INTERVAL_MS, POLL_BATCH, IGNORE_LOOPBACK, PRODUCER_BUFFER_BYTES, PRODUCER_MAX_BLOCK_MS,
      PRODUCER_DELIVERY_TIMEOUT_MS, KAFKA_CONFIG_FILE, TLS_ENABLED, TLS_TOPIC, TLS_INTERFACES, TLS_INTERFACE_POLL_MS,
      TLS_ATTACH, TLS_RING_BYTES, TLS_KERNEL_FLOWS, TLS_KERNEL_FLOW_BUDGET_BYTES);

  /**
   * Reads every setting from {@code env}; missing or blank variables take their defaults.
   *
   * @throws IllegalArgumentException naming the variable when a value does not parse
   */
  public static AgentConfig fromEnv(Map<String, String> env) {
    return new AgentConfig(KAFKA_BOOTSTRAP.parse(env), TCP_TOPIC.parse(env), NODE_NAME.parse(env),
        HTTP_PORT.parse(env), REPORT_INTERVAL_MS.parse(env), RING_BYTES.parse(env), POLL_INTERVAL_MS.parse(env),
        POLL_BATCH.parse(env), IGNORE_LOOPBACK.parse(env), PRODUCER_BUFFER_BYTES.parse(env),
        PRODUCER_MAX_BLOCK_MS.parse(env), PRODUCER_DELIVERY_TIMEOUT_MS.parse(env), KAFKA_CONFIG_FILE.parse(env),
        TLS_ENABLED.parse(env),
        TLS_TOPIC.parse(env), TLS_INTERFACES.parse(env), TLS_INTERFACE_POLL_MS.parse(env), TLS_ATTACH.parse(env),
        TLS_RING_BYTES.parse(env), TLS_KERNEL_FLOWS.parse(env), TLS_KERNEL_FLOW_BUDGET_BYTES.parse(env),
        TlsAssemblerConfig.fromEnv(env));
  }

  /** Every setting with its env name, default and doc, in a stable order (the TLS assembler's last). */
  public static List<Setting<?>> settings() {
    return Stream.concat(ALL.stream(), TlsAssemblerConfig.settings().stream()).toList();
  }

  /** {@link #tlsInterfaces()} compiled. */
  public Pattern tlsInterfacePattern() {
    return Pattern.compile(tlsInterfaces);
  }

  private static <T> Setting<T> setting(String name, String defaultValue, String doc, Function<String, T> parser) {
    return new Setting<>(PREFIX + name, defaultValue, doc, parser);
  }

  private static String nonEmpty(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text;
  }

  private static int intIn(String text, int min, int max) {
    return (int) Setting.longIn(text, min, max);
  }

  private static int ringSize(String text) {
    int value = intIn(text, 4096, 1 << 30);
    if (Integer.bitCount(value) != 1) {
      throw new IllegalArgumentException("is not a power of two");
    }
    return value;
  }

  private static String regex(String text) {
    try {
      Pattern.compile(text);
      return text;
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("is not a regular expression: " + e.getDescription());
    }
  }

  private static TlsAttach tlsAttach(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "auto" -> TlsAttach.AUTO;
      case "tcx" -> TlsAttach.TCX;
      case "tc" -> TlsAttach.TC;
      default -> throw new IllegalArgumentException("is not auto, tcx or tc");
    };
  }

  private static String hostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      return name.isEmpty() ? "unknown-node" : name;
    } catch (IOException e) {
      return "unknown-node";
    }
  }
}
