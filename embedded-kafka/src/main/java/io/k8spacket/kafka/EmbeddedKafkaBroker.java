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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  /** Settings the broker's own admin client needs on the client listener; empty for a plaintext broker. */
  private final Map<String, Object> adminSecurity;
  private boolean closed;

  private EmbeddedKafkaBroker(Path dataDir, int port, KafkaRaftServer server, Map<String, Object> adminSecurity) {
    this.dataDir = dataDir;
    this.port = port;
    this.server = server;
    this.adminSecurity = adminSecurity;
  }

  /**
   * A secured broker's settings: clients connect over SASL_SSL with SCRAM-SHA-512 and the StandardAuthorizer
   * enforces ACLs ({@code allow.everyone.if.no.acl.found=false}). The controller and inter-broker listeners (on
   * 127.0.0.1) use SASL_PLAINTEXT with PLAIN and the admin's credentials. The admin is the only super user; its
   * SCRAM credential is written when the storage is formatted, so it can create the other users' credentials
   * ({@code Admin.alterUserScramCredentials}) and ACLs.
   *
   * @param keyStore the broker's key and certificate (for 127.0.0.1) in a PKCS12 file
   * @param trustStore a PKCS12 file that trusts that certificate, for clients
   */
  public record Security(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
      String adminUser, String adminPassword) {
    public static final String MECHANISM = "SCRAM-SHA-512";

    public Security {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(keyStorePassword, "keyStorePassword");
      Objects.requireNonNull(trustStore, "trustStore");
      Objects.requireNonNull(trustStorePassword, "trustStorePassword");
      Objects.requireNonNull(adminUser, "adminUser");
      Objects.requireNonNull(adminPassword, "adminPassword");
      if (!adminUser.matches("[A-Za-z0-9._-]+") || adminPassword.contains("\"") || adminPassword.contains(",")
          || adminPassword.contains("]")) {
        throw new IllegalArgumentException("admin user must be [A-Za-z0-9._-]+ and its password free of \" , ]");
      }
    }

    /** Client settings for {@code user}: SASL_SSL, SCRAM-SHA-512 and the trust store. */
    public Map<String, Object> clientProperties(String user, String password) {
      Map<String, Object> p = new HashMap<>();
      p.put("security.protocol", "SASL_SSL");
      p.put("sasl.mechanism", MECHANISM);
      p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
          + user + "\" password=\"" + password + "\";");
      p.put("ssl.truststore.location", trustStore.toAbsolutePath().toString());
      p.put("ssl.truststore.password", trustStorePassword);
      p.put("ssl.truststore.type", "PKCS12");
      return p;
    }

    /** {@link #clientProperties} of the admin (super user). */
    public Map<String, Object> adminClientProperties() {
      return clientProperties(adminUser, adminPassword);
    }
  }

  /**
   * Formats {@code dataDir} on first use, starts the broker on 127.0.0.1:{@code port} (0 = a free port) and
   * returns once it answers a describe-cluster request.
   *
   * @throws PortInUseException when the port is taken
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /**
   * {@link #start(Path, int)} for a secured broker (see {@link Security}): its client listener on
   * 127.0.0.1:{@code port} speaks SASL_SSL. {@link #createTopics} and the readiness check authenticate as the
   * admin.
   */
  public static EmbeddedKafkaBroker startSecured(Path dataDir, int port, Security security) {
    return start(dataDir, port, Objects.requireNonNull(security, "security"));
  }

  private static EmbeddedKafkaBroker start(Path dataDir, int port, Security security) {
    int brokerPort = port == 0 ? freePort() : requireFree(port);
    int controllerPort = freePort();
    try {
      Files.createDirectories(dataDir);
      Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
      List<String> formatArgs = List.of();
      Map<String, Object> adminSecurity = Map.of();
      if (security != null) {
        secure(props, brokerPort, controllerPort, freePort(), security);
        formatArgs = List.of("--add-scram", Security.MECHANISM + "=[name=" + security.adminUser() + ",password="
            + security.adminPassword() + "]");
        adminSecurity = security.adminClientProperties();
      }
      Path logDir = dataDir.resolve("log");
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(dataDir, props, formatArgs);
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, brokerPort, server, adminSecurity);
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
    Map<String, Object> config = new HashMap<>(adminSecurity);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(config);
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

  /** Turns the plaintext properties into those of a secured broker (see {@link Security}). */
  private static void secure(Properties p, int clientPort, int controllerPort, int internalPort, Security s) {
    String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + s.adminUser()
        + "\" password=\"" + s.adminPassword() + "\" user_" + s.adminUser() + "=\"" + s.adminPassword() + "\";";
    p.put("listeners", "CLIENT://127.0.0.1:" + clientPort + ",INTERNAL://127.0.0.1:" + internalPort
        + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "CLIENT://127.0.0.1:" + clientPort + ",INTERNAL://127.0.0.1:" + internalPort);
    p.put("listener.security.protocol.map", "CLIENT:SASL_SSL,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", "INTERNAL");
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put("listener.name.controller.plain.sasl.jaas.config", plain);
    p.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
    p.put("listener.name.internal.plain.sasl.jaas.config", plain);
    p.put("listener.name.client.sasl.enabled.mechanisms", Security.MECHANISM);
    p.put("listener.name.client." + Security.MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put("listener.name.client.ssl.keystore.location", s.keyStore().toAbsolutePath().toString());
    p.put("listener.name.client.ssl.keystore.password", s.keyStorePassword());
    p.put("listener.name.client.ssl.key.password", s.keyStorePassword());
    p.put("listener.name.client.ssl.keystore.type", "PKCS12");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + s.adminUser());
    p.put("allow.everyone.if.no.acl.found", "false");
  }

  private static void format(Path dataDir, Properties props, List<String> extraArgs) throws IOException {
    Path config = dataDir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      props.store(w, "written by k8spacket for formatting");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
        "-c", config.toString()));
    args.addAll(extraArgs);
    int rc = StorageTool.execute(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8));
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
