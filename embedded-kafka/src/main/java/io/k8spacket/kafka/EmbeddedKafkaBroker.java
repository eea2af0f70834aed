package io.k8spacket.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, for standalone mode
 * and tests. Its data lives under a directory that survives restarts: a second start on the same directory
 * reuses the formatted log dirs, so topics and offsets persist.
 *
 * <p>Uses three internal broker classes ({@code StorageTool}, {@code KafkaConfig}, {@code KafkaRaftServer});
 * re-check them on every Kafka upgrade.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dataDir;
  private final int port;
  private final KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafkaBroker(Path dataDir, int port, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.port = port;
    this.server = server;
  }

  /**
   * Formats {@code dataDir} on first use, starts the broker on 127.0.0.1:{@code port} (0 = a free port) and
   * returns once it answers a describe-cluster request.
   *
   * @throws PortInUseException when the port is taken
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    int brokerPort = port == 0 ? freePort() : requireFree(port);
    int controllerPort = freePort();
    try {
      Files.createDirectories(dataDir);
      Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
      Path logDir = dataDir.resolve("log");
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(dataDir, props);
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, brokerPort, server);
      broker.awaitReady();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data dir " + dataDir, e);
    }
  }

  /** A broker on a free port with its data in a fresh directory under {@code parent}. */
  public static EmbeddedKafkaBroker startTemporary(Path parent) {
    try {
      Files.createDirectories(parent);
      return start(Files.createTempDirectory(parent, "kafka-"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Creates a delete-retained topic with replication factor 1; an existing topic is left as it is. */
  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  /** Creates a compacted topic with replication factor 1; an existing topic is left as it is. */
  public void createCompactedTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)
        .configs(Map.of("cleanup.policy", "compact"))));
  }

  /** Creates the given topics; those that exist already are left as they are. */
  public void createTopics(List<NewTopic> topics) {
    try (Admin admin = admin()) {
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("topic creation timed out", e);
    }
  }

  /** Stops the broker and waits for it; idempotent. The data directory stays. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException("Kafka broker on port " + port + " did not become ready", e);
    }
  }

  private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("log").toString());
    p.put("metadata.log.dir", dataDir.resolve("log").toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "3");
    p.put("log.retention.hours", "168");
    return p;
  }

  private static void format(Path dataDir, Properties props) throws IOException {
    Path config = dataDir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      props.store(w, "written by k8spacket for formatting");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
        "-c", config.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: " + out);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static int requireFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return port;
    } catch (IOException e) {
      throw new PortInUseException(port);
    }
  }

  /** The requested broker port is taken by another process. */
  public static final class PortInUseException extends RuntimeException {
    public PortInUseException(int port) {
      super("port " + port + " is in use (Kafka broker); choose another with --kafka-port");
    }
  }
}
