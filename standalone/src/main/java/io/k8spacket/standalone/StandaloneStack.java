package io.k8spacket.standalone;

import io.k8spacket.agent.AgentConfig;
import io.k8spacket.agent.NodeAgent;
import io.k8spacket.agent.bpf.HostFacts;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.StreamsProcess;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything {@code ./k8spacket up} runs, in one JVM: the in-process KRaft broker, the streams process (metadata
 * file source, topology, query API) and the node agent on this host. Same code paths as in a cluster; only the
 * broker and the metadata source differ.
 *
 * <p>Start order: preflight, broker and topics, streams process, agent (so the agent finds its topic), each step
 * printed as it begins and when it is done; then a one-line summary every minute ({@link StatusReporter}).
 * Close order is the reverse; {@link #close()} is idempotent and also runs from the JVM's shutdown hook.
 */
public final class StandaloneStack implements AutoCloseable {
  /** Partitions of every topic here; metadata must match the TCP and TLS topics (co-partitioned joins). */
  public static final int PARTITIONS = 3;
  private static final int DEFAULT_AGENT_PORT = 9400;
  private static final Duration STREAMS_START = Duration.ofSeconds(120);
  /** How often the one-line summary is printed. */
  static final Duration STATUS_INTERVAL = Duration.ofMinutes(1);
  /** Kernel (major * 1000 + minor) with the sock_send_length tracepoint the progress reports need. */
  private static final int REPORTS_KERNEL = 6003;
  /** Kernel with TCX links. */
  private static final int TCX_KERNEL = 6006;

  private final EmbeddedKafkaBroker broker;
  private final StreamsProcess streams;
  private final NodeAgent agent;
  private final StatusReporter status;
  private boolean closed;

  private StandaloneStack(EmbeddedKafkaBroker broker, StreamsProcess streams, NodeAgent agent,
      StatusReporter status) {
    this.broker = broker;
    this.streams = streams;
    this.agent = agent;
    this.status = status;
  }

  /**
   * Starts every part, printing one line per step to {@code out}; on failure stops what already runs and
   * rethrows. {@code env} holds {@code K8SPACKET_*} settings (docs/config.md; production passes the process
   * environment); the options' values (ports, data dir, metadata file, bootstrap) win over it.
   */
  public static StandaloneStack start(UpOptions options, Map<String, String> env, PrintStream out)
      throws InterruptedException {
    return start(options, env, out, STATUS_INTERVAL);
  }

  /** As {@link #start(UpOptions, Map, PrintStream)}, with the summary line every {@code statusInterval}. */
  static StandaloneStack start(UpOptions options, Map<String, String> env, PrintStream out, Duration statusInterval)
      throws InterruptedException {
    Preflight.check(options);
    // a bad K8SPACKET_* value stops the launch here, before anything runs
    AgentConfig.fromEnv(env);
    StreamsAppConfig.fromEnv(env);
    QueryApiConfig.fromMap(env);
    HostFacts host = HostFacts.current();
    io.k8spacket.agent.bpf.Preflight.check(host);
    Path data = options.dataDir().toAbsolutePath();
    StartupProgress progress = new StartupProgress(out);
    progress.begin("kafka", "starting the in-process KRaft broker on 127.0.0.1:" + options.kafkaPort());
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), options.kafkaPort());
    StreamsProcess streams = null;
    try {
      createTopics(broker);
      progress.done("kafka", broker.bootstrapServers() + ", 6 topics (" + PARTITIONS + " partitions each), data in "
          + broker.dataDir());
      progress.begin("streams", "starting the topology and the query API (state in " + data.resolve("streams")
          + ")");
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      streams = StreamsProcess.start(streamsConfig(options, env, broker, data), apiConfig(options, env), registry);
      awaitStreamsRunning(streams, registry, progress);
      progress.done("streams", "RUNNING" + options.metadataFile().map(f -> ", names from " + f.toAbsolutePath()
          + " (watched)").orElse(", no --metadata file: endpoints show as IPs"));
      progress.begin("agent", "loading and attaching the eBPF programs");
      AgentConfig agentConfig = AgentConfig.fromEnv(agentEnv(env, broker));
      NodeAgent agent = NodeAgent.start(agentConfig);
      progress.done("agent", programs(host, agentConfig, agent) + "; metrics on :" + agent.httpPort() + "/metrics");
      StatusReporter status = new StatusReporter(agent, registry, streams.apiPort(), out, statusInterval);
      return new StandaloneStack(broker, streams, agent, status);
    } catch (RuntimeException | InterruptedException e) {
      if (streams != null) {
        streams.close();
      }
      broker.close();
      throw e;
    }
  }

  /** Waits for RUNNING, printing each state the Kafka Streams client passes through. */
  private static void awaitStreamsRunning(StreamsProcess streams, PrometheusMeterRegistry registry,
      StartupProgress progress) throws InterruptedException {
    long deadline = System.nanoTime() + STREAMS_START.toNanos();
    String shown = "";
    while (!streams.awaitRunning(Duration.ofMillis(200))) {
      String state = StatusReporter.streamsState(registry);
      if (!state.equals(shown)) {
        progress.step("streams", state);
        shown = state;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the streams app did not reach RUNNING within " + STREAMS_START);
      }
    }
  }

  /** What the agent attached: the TCP programs, and the TLS programs on how many interfaces. */
  static String programs(HostFacts host, AgentConfig config, NodeAgent agent) {
    boolean reports = config.reportIntervalMs() > 0 && host.kernelVersion() >= REPORTS_KERNEL;
    String tcp = reports ? "3 TCP programs (tp_btf inet_sock_set_state, sock_send_length, sock_recv_length)"
        : "1 TCP program (tp_btf inet_sock_set_state; open connections reported at close only)";
    if (!config.tlsEnabled()) {
      return tcp + "; TLS capture off";
    }
    boolean tcx = config.tlsAttach() == AgentConfig.TlsAttach.TCX
        || config.tlsAttach() == AgentConfig.TlsAttach.AUTO && host.kernelVersion() >= TCX_KERNEL;
    int interfaces = agent.tlsInterfaces().size();
    return tcp + "; 2 TLS programs (" + (tcx ? "TCX" : "clsact") + " ingress, egress) on " + interfaces
        + " interface" + (interfaces == 1 ? "" : "s") + " matching " + config.tlsInterfaces()
        + " (followed as they come and go)";
  }

  /** The query API's port (useful when started on port 0). */
  public int apiPort() {
    return streams.apiPort();
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public NodeAgent agent() {
    return agent;
  }

  /** Stops agent, streams process and broker, in that order; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    status.close();
    agent.close();
    streams.close();
    broker.close();
  }

  /** Creates every k8spacket topic ({@value #PARTITIONS} partitions each; the compacted ones compacted). */
  public static void createTopics(EmbeddedKafkaBroker broker) {
    broker.createTopic(Topics.TCP, PARTITIONS);
    broker.createTopic(Topics.TLS, PARTITIONS);
    broker.createCompactedTopic(Topics.METADATA, PARTITIONS);
    broker.createTopic(Topics.CONNECTIONS, PARTITIONS);
    broker.createTopic(Topics.TLS_SESSIONS, PARTITIONS);
    broker.createCompactedTopic(Topics.CERTIFICATES, PARTITIONS);
    broker.createTopic(Topics.DEAD_LETTERS, PARTITIONS);
  }

  private static StreamsAppConfig streamsConfig(UpOptions options, Map<String, String> base,
      EmbeddedKafkaBroker broker, Path data) {
    Map<String, String> env = new HashMap<>(base);
    env.put(StreamsAppConfig.BOOTSTRAP_SERVERS.env(), broker.bootstrapServers());
    env.put(StreamsAppConfig.STATE_DIR.env(), data.resolve("streams").toString());
    env.put(StreamsAppConfig.REPLICATION_FACTOR.env(), "1");
    options.metadataFile().ifPresent(f -> env.put(StreamsAppConfig.METADATA_FILE.env(), f.toString()));
    return StreamsAppConfig.fromEnv(env);
  }

  private static QueryApiConfig apiConfig(UpOptions options, Map<String, String> base) {
    Map<String, String> env = new HashMap<>(base);
    env.put(QueryApiConfig.PORT, String.valueOf(options.httpPort()));
    return QueryApiConfig.fromMap(env);
  }

  private static Map<String, String> agentEnv(Map<String, String> base, EmbeddedKafkaBroker broker) {
    Map<String, String> env = new HashMap<>(base);
    env.put(AgentConfig.PREFIX + "KAFKA_BOOTSTRAP", broker.bootstrapServers());
    env.putIfAbsent(AgentConfig.PREFIX + "HTTP_PORT",
        Preflight.isFree(DEFAULT_AGENT_PORT, null) ? String.valueOf(DEFAULT_AGENT_PORT) : "0");
    return env;
  }
}
