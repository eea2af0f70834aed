package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.KafkaEventSink;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.StreamsRunner;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.k8spacket.streams.metadata.MetadataChange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6: the in-process broker with clients on SASL_SSL (SCRAM-SHA-512, a self-signed certificate) and the
 * StandardAuthorizer, each principal holding exactly the ACLs of the chart's KafkaUsers (templates
 * 040-KafkaUser-agent.yaml and 041-KafkaUser-streams.yaml). The agent's sink and the streams app, each configured
 * through its KAFKA_CONFIG_FILE with its own credentials, do their work; the agent is refused what it may not do.
 */
class SecuredKafkaIT {
  private static final String AGENT = "k8spacket-agent";
  private static final String STREAMS = "k8spacket-streams";
  private static final String APP_ID = "k8spacket-streams";
  private static final String STORE_PASSWORD = "store-secret";
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A minute boundary five minutes ago: event times near now. */
  private static final long T0 = (System.currentTimeMillis() / 60_000 - 5) * 60_000;
  private static final String CLIENT_IP = "10.6.0.1";
  private static final String SERVER_IP = "10.6.0.2";

  @TempDir
  static Path dir;
  static EmbeddedKafkaBroker.Security security;
  static EmbeddedKafkaBroker broker;
  static StreamsRunner runner;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    security = new EmbeddedKafkaBroker.Security(dir.resolve("broker.p12"), STORE_PASSWORD,
        dir.resolve("truststore.p12"), STORE_PASSWORD, "admin", "admin-secret");
    selfSignedCertificate(security);
    broker = EmbeddedKafkaBroker.startSecured(dir.resolve("kafka"), 0, security);
    broker.createTopics(List.of(new NewTopic(Topics.TCP, 2, (short) 1),
        new NewTopic(Topics.TLS, 2, (short) 1),
        new NewTopic(Topics.METADATA, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(Topics.CONNECTIONS, 2, (short) 1),
        new NewTopic(Topics.TLS_SESSIONS, 2, (short) 1),
        new NewTopic(Topics.CERTIFICATES, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)));
    try (Admin admin = Admin.create(client(security.adminClientProperties()))) {
      admin.alterUserScramCredentials(List.of(scram(AGENT, "agent-secret"), scram(STREAMS, "streams-secret")))
          .all().get(30, TimeUnit.SECONDS);
      admin.createAcls(chartAcls()).all().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (runner != null) {
      runner.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void agent_and_streams_work_with_their_own_credentials_and_the_agent_is_refused_the_rest() throws Exception {
    // the streams app, configured as K8SPACKET_STREAMS_KAFKA_CONFIG_FILE would configure it
    Path streamsFile = writeConfig("streams-kafka.properties", security.clientProperties(STREAMS, "streams-secret"));
    StreamsAppConfig config = StreamsAppConfig.fromEnv(Map.of(
        "K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "K8SPACKET_STREAMS_APPLICATION_ID", APP_ID,
        "K8SPACKET_STREAMS_STATE_DIR", dir.resolve("streams-state").toString(),
        "K8SPACKET_STREAMS_REPLICATION_FACTOR", "1",
        "K8SPACKET_STREAMS_TWIN_WAIT", "0s",
        "K8SPACKET_STREAMS_KAFKA_CONFIG_FILE", streamsFile.toString()));
    // the metadata publisher writes the metadata topic with the streams user's credentials
    try (KafkaMetadataPublisher publisher = new KafkaMetadataPublisher(config.bootstrapServers(),
        config.metadataTopic(), config.kafkaClientConfig())) {
      publisher.publish(List.of(MetadataChange.upsert(new EndpointMetadata(SERVER_IP, "db-0", "shop", "db",
          "StatefulSet", EndpointKind.POD, "node-1", T0 - 3_600_000))));
    }
    runner = new StreamsRunner(config, new SimpleMeterRegistry());
    runner.start();
    assertThat(runner.awaitRunning(Duration.ofSeconds(90))).isTrue();

    // the agent's sink, configured as K8SPACKET_AGENT_KAFKA_CONFIG_FILE would configure it
    Map<String, Object> agentExtra = loadConfig(writeConfig("agent-kafka.properties",
        security.clientProperties(AGENT, "agent-secret")));
    AgentMetrics metrics = new AgentMetrics();
    try (KafkaEventSink sink = new KafkaEventSink(broker.bootstrapServers(), Topics.TCP, Topics.TLS, "node-1",
        4 << 20, 1000, agentExtra, metrics)) {
      assertThat(sink.awaitMetadata(WAIT, Topics.TCP, Topics.TLS)).isTrue();
      for (int i = 0; i < 3; i++) {
        sink.send(connection(40000 + i, T0 + 10_000 + i * 1_000));
      }
      await().atMost(WAIT).until(() -> metrics.value("k8spacket.agent.events.sent") == 3);
    }
    assertThat(metrics.value("k8spacket.agent.send.failures")).isZero();

    // the streams app counted them, named the server from the metadata it published, and wrote the output topic
    await().atMost(WAIT).ignoreException(StoreUnavailableException.class).untilAsserted(() -> {
      List<EdgeSample> edges = runner.edgeReader().edges(T0 - 60_000, T0 + 180_000);
      assertThat(edges).hasSize(1);
      assertThat(edges.get(0).connCount()).isEqualTo(3);
      assertThat(edges.get(0).server().name()).isEqualTo("db-0");
    });
    assertThat(countRecords(security.adminClientProperties(), Topics.CONNECTIONS, 3)).isEqualTo(3);

    // the agent may not read what the streams app writes, nor its own topic, nor write the metadata topic
    assertRefusedToRead(Topics.CONNECTIONS);
    assertRefusedToRead(Topics.TCP);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(agentExtra),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.METADATA, new byte[] {1}, new byte[] {2}))
          .get(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(rootCause(e)).isInstanceOf(TopicAuthorizationException.class));
    }
  }

  /** The ACLs of the chart's two KafkaUsers, for the default topic names and application id. */
  private static List<AclBinding> chartAcls() {
    List<AclBinding> acls = new ArrayList<>();
    String agent = "User:" + AGENT;
    String streams = "User:" + STREAMS;
    for (String topic : List.of(Topics.TCP, Topics.TLS)) {
      acls.addAll(allow(agent, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE,
          AclOperation.DESCRIBE));
      acls.addAll(allow(streams, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ,
          AclOperation.DESCRIBE));
    }
    acls.addAll(allow(streams, ResourceType.TOPIC, Topics.METADATA, PatternType.LITERAL, AclOperation.READ,
        AclOperation.WRITE, AclOperation.DESCRIBE));
    for (String topic : List.of(Topics.CONNECTIONS, Topics.TLS_SESSIONS, Topics.CERTIFICATES, Topics.DEAD_LETTERS)) {
      acls.addAll(allow(streams, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE,
          AclOperation.DESCRIBE));
    }
    acls.addAll(allow(streams, ResourceType.TOPIC, APP_ID + "-", PatternType.PREFIXED, AclOperation.ALL));
    acls.addAll(allow(streams, ResourceType.GROUP, APP_ID, PatternType.LITERAL, AclOperation.ALL));
    acls.addAll(allow(streams, ResourceType.TRANSACTIONAL_ID, APP_ID + "-", PatternType.PREFIXED,
        AclOperation.WRITE, AclOperation.DESCRIBE));
    return acls;
  }

  private static List<AclBinding> allow(String principal, ResourceType type, String name, PatternType pattern,
      AclOperation... operations) {
    List<AclBinding> out = new ArrayList<>();
    for (AclOperation op : operations) {
      out.add(new AclBinding(new ResourcePattern(type, name, pattern),
          new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
    }
    return out;
  }

  private static UserScramCredentialUpsertion scram(String user, String password) {
    return new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
        password);
  }

  private static TcpConnection connection(int clientPort, long closeMs) throws IOException {
    return new TcpConnection(TcpConnection.AddressFamily.IPV4, InetAddress.getByName(CLIENT_IP), clientPort,
        InetAddress.getByName(SERVER_IP), 5432, TcpConnection.Observer.CLIENT, TcpConnection.CloseKind.NORMAL,
        100, 200, 3, 4, 0, 50, 7, 4026531840L, (closeMs - 500) * 1_000_000, closeMs * 1_000_000,
        clientPort * 1_000L);
  }

  /** A consumer with the agent's credentials (no group: assigned partitions) is refused the topic. */
  private static void assertRefusedToRead(String topic) throws IOException {
    Map<String, Object> props = client(loadConfig(dir.resolve("agent-kafka.properties")));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(1)))
          .isInstanceOf(TopicAuthorizationException.class)
          .satisfies(e -> assertThat(((TopicAuthorizationException) e).unauthorizedTopics()).contains(topic)));
    }
  }

  /** Reads {@code topic} (committed records only) until {@code expected} records are there, then 1 s more. */
  private static int countRecords(Map<String, Object> credentials, String topic, int expected) {
    Map<String, Object> props = client(credentials);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      int[] count = {0};
      await().atMost(WAIT).until(() -> {
        count[0] += consumer.poll(Duration.ofMillis(200)).count();
        return count[0] >= expected;
      });
      ConsumerRecords<byte[], byte[]> more = consumer.poll(Duration.ofSeconds(1));
      return count[0] + more.count();
    }
  }

  private static Map<String, Object> client(Map<String, Object> credentials) {
    Map<String, Object> props = new HashMap<>(credentials);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return props;
  }

  private static Map<String, Object> producer(Map<String, Object> credentials) {
    Map<String, Object> props = client(credentials);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return props;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static Path writeConfig(String name, Map<String, Object> settings) throws IOException {
    Properties props = new Properties();
    settings.forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
    Path file = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(w, "Kafka client settings, as the chart's ConfigMap and Secret give them");
    }
    return file;
  }

  /** Loads a KAFKA_CONFIG_FILE the way the agent does. */
  private static Map<String, Object> loadConfig(Path file) throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
    }
    Map<String, Object> out = new HashMap<>();
    props.forEach((k, v) -> out.put((String) k, v));
    return out;
  }

  /** A self-signed certificate for 127.0.0.1 in the broker's key store, and a trust store holding it. */
  private static void selfSignedCertificate(EmbeddedKafkaBroker.Security s) throws Exception {
    Path cert = dir.resolve("broker.crt");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", s.keyStore().toString(), "-storepass", s.keyStorePassword());
    keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", s.keyStore().toString(), "-storepass",
        s.keyStorePassword(), "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", s.trustStore().toString(), "-storepass", s.trustStorePassword());
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }
}
