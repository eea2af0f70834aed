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
 * <p>Start order: preflight, broker and topics, streams process, agent (so the agent finds its topic).
 * Close order is the reverse; {@link #close()} is idempotent and also runs from the JVM's shutdown hook.
 */
public final class StandaloneStack implements AutoCloseable {
  /** Partitions of every topic here; metadata must match the TCP and TLS topics (co-partitioned joins). */
  static final int PARTITIONS = 3;
  private static final int DEFAULT_AGENT_PORT = 9400;
  private static final Duration STREAMS_START = Duration.ofSeconds(120);

  private final EmbeddedKafkaBroker broker;
  private final StreamsProcess streams;
  private final NodeAgent agent;
  private boolean closed;

  private StandaloneStack(EmbeddedKafkaBroker broker, StreamsProcess streams, NodeAgent agent) {
    this.broker = broker;
    this.streams = streams;
    this.agent = agent;
  }

  /**
   * Starts every part, printing one line per step to {@code out}; on failure stops what already runs and
   * rethrows. {@code env} holds {@code K8SPACKET_*} settings (docs/config.md; production passes the process
   * environment); the options' values (ports, data dir, metadata file, bootstrap) win over it.
   */
  public static StandaloneStack start(UpOptions options, Map<String, String> env, PrintStream out)
      throws InterruptedException {
    Preflight.check(options);
    // a bad K8SPACKET_* value stops the launch here, before anything runs
    AgentConfig.fromEnv(env);
    StreamsAppConfig.fromEnv(env);
    QueryApiConfig.fromMap(env);
    io.k8spacket.agent.bpf.Preflight.check(HostFacts.current());
    Path data = options.dataDir().toAbsolutePath();
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), options.kafkaPort());
    StreamsProcess streams = null;
    try {
      createTopics(broker);
      out.println("kafka    " + broker.bootstrapServers() + " (in-process KRaft broker, data in "
          + broker.dataDir() + ")");
      streams = StreamsProcess.start(streamsConfig(options, env, broker, data), apiConfig(options, env),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      if (!streams.awaitRunning(STREAMS_START)) {
        throw new IllegalStateException("the streams app did not reach RUNNING within " + STREAMS_START);
      }
      out.println("streams  RUNNING (state in " + data.resolve("streams") + ")"
          + options.metadataFile().map(f -> ", names from " + f.toAbsolutePath() + " (watched)").orElse(
              ", no --metadata file: endpoints show as IPs"));
      NodeAgent agent = NodeAgent.start(AgentConfig.fromEnv(agentEnv(env, broker)));
      out.println("agent    TCP probe attached on this host, all network namespaces; TLS capture on "
          + (agent.tlsInterfaces().isEmpty() ? "no interface yet" : String.join(", ", agent.tlsInterfaces()))
          + "; metrics on :" + agent.httpPort() + "/metrics");
      return new StandaloneStack(broker, streams, agent);
    } catch (RuntimeException | InterruptedException e) {
      if (streams != null) {
        streams.close();
      }
      broker.close();
      throw e;
    }
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
    agent.close();
    streams.close();
    broker.close();
  }

  static void createTopics(EmbeddedKafkaBroker broker) {
    broker.createTopic(Topics.TCP, PARTITIONS);
    broker.createTopic(Topics.TLS, PARTITIONS);
    broker.createCompactedTopic(Topics.METADATA, PARTITIONS);
    broker.createTopic(Topics.CONNECTIONS, PARTITIONS);
    broker.createTopic(Topics.TLS_SESSIONS, PARTITIONS);
    broker.createCompactedTopic(Topics.CERTIFICATES, PARTITIONS);
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
