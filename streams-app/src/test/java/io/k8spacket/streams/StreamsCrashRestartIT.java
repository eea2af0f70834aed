package io.k8spacket.streams;

import static io.k8spacket.streams.topology.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash and restart: the streams process ({@link StreamsMain}, in a child JVM so that SIGKILL is real) is
 * killed while TCP events stream in, and started again on the same state directory. The broker runs in this JVM
 * and keeps taking events while the process is dead. The totals the query API then answers must equal the known
 * sums of everything sent, per edge: nothing lost, nothing counted twice (exactly-once v2 aborts the killed
 * process's open transaction; the state is rebuilt from the changelogs).
 */
class StreamsCrashRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsCrashRestartIT.class);
  private static final String SERVER = "10.0.7.100";
  private static final List<String> CLIENTS = List.of("10.0.7.1", "10.0.7.2", "10.0.7.3");
  private static final int EVENTS = 1_800;
  /** Events sent before the kill may happen; the rest go after it. */
  private static final int BEFORE_KILL = 1_200;
  /** Events per 100 ms tick of the traffic: 300 per second. */
  private static final int PER_TICK = 30;
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();

  private EmbeddedKafkaBroker broker;
  private Process child;

  @AfterEach
  void stop() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void a_sigkilled_streams_process_restarted_on_its_state_counts_every_connection_exactly_once()
      throws Exception {
    broker = EmbeddedKafkaBroker.startTemporary(Path.of("target", "it-kafka"));
    for (String topic : List.of(Topics.TCP, Topics.TLS, Topics.CONNECTIONS, Topics.TLS_SESSIONS,
        "k8spacket.dead-letters.v1")) {
      broker.createTopic(topic, 2);
    }
    broker.createCompactedTopic(Topics.METADATA, 2);
    broker.createCompactedTopic(Topics.CERTIFICATES, 2);
    Path work = Files.createDirectories(Path.of("target", "crash-restart-it", UUID.randomUUID().toString()))
        .toAbsolutePath();
    Path clientConfig = work.resolve("kafka.properties");
    // a killed member leaves the group after 6 s instead of 45 s (the restart rebalances sooner)
    Files.writeString(clientConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");
    int apiPort = freePort();
    Map<String, String> env = Map.of(
        "K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "K8SPACKET_STREAMS_APPLICATION_ID", "crash-restart-it",
        "K8SPACKET_STREAMS_STATE_DIR", work.resolve("state").toString(),
        "K8SPACKET_STREAMS_REPLICATION_FACTOR", "1",
        "K8SPACKET_STREAMS_KAFKA_CONFIG_FILE", clientConfig.toString(),
        "K8SPACKET_API_PORT", String.valueOf(apiPort));

    long t0 = (System.currentTimeMillis() / 60_000 - 6) * 60_000;
    Map<String, List<Long>> expected = expectedTotals(t0);

    AtomicInteger sent = new AtomicInteger();
    CountDownLatch killed = new CountDownLatch(1);
    String bootstrap = broker.bootstrapServers();
    Thread traffic = new Thread(() -> produceAll(bootstrap, t0, sent, killed), "crash-it-traffic");
    traffic.start();
    child = startChild(env, work.resolve("streams-1.log"));
    awaitApi(apiPort);
    // mid-traffic: some events counted and committed, more in flight, and a third of them still to come
    await().atMost(WAIT).until(() -> sent.get() >= EVENTS / 10 && totalConnections(apiPort) > 0);
    long countedBeforeKill = totalConnections(apiPort);
    int sentBeforeKill = sent.get();
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(137);
    killed.countDown();

    // restarted at once on the same state directory, while the traffic goes on
    long restartAt = System.nanoTime();
    child = startChild(env, work.resolve("streams-2.log"));
    awaitApi(apiPort);
    traffic.join(WAIT.toMillis());
    assertThat(sent.get()).isEqualTo(EVENTS);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> caughtUp()
        && totals(apiPort).equals(expected));
    LOG.info("killed after {} of {} events sent ({} connections counted then); restarted and caught up in {} s;"
        + " totals per edge {}", sentBeforeKill, EVENTS, countedBeforeKill,
        (System.nanoTime() - restartAt) / 1_000_000_000, expected);
    assertThat(totals(apiPort)).isEqualTo(expected);
  }

  /** Per client IP: connections, bytes client to server, bytes server to client, of everything sent. */
  private static Map<String, List<Long>> expectedTotals(long t0) {
    Map<String, long[]> totals = new TreeMap<>();
    for (int i = 0; i < EVENTS; i++) {
      TcpConnectionEvent e = eventNumber(t0, i);
      long[] sums = totals.computeIfAbsent(e.getClientIp(), k -> new long[3]);
      sums[0]++;
      sums[1] += e.getBytesClientToServer();
      sums[2] += e.getBytesServerToClient();
    }
    return asLists(totals);
  }

  /** Event {@code i}: closing 100 ms after the previous one (3 minutes of event time in all). */
  private static TcpConnectionEvent eventNumber(long t0, int i) {
    String client = CLIENTS.get(i % CLIENTS.size());
    long close = t0 + 100L * i;
    return event(Observer.CLIENT, client, 20_000 + i, SERVER, 5432, close - 250, close, 100 + i % 7,
        1_000 + i % 11);
  }

  /**
   * Produces the events, {@value #PER_TICK} every 100 ms, each batch acknowledged before the next; the last
   * {@code EVENTS - BEFORE_KILL} only once {@code killed} opened.
   */
  private static void produceAll(String bootstrap, long t0, AtomicInteger sent, CountDownLatch killed) {
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
      long next = System.nanoTime();
      for (int i = 0; i < EVENTS; i++) {
        if (i == BEFORE_KILL) {
          assertThat(killed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
          next = System.nanoTime();
        }
        TcpConnectionEvent e = eventNumber(t0, i);
        producer.send(new ProducerRecord<>(Topics.TCP, e.getClientIp(), serde.encode(e)));
        if ((i + 1) % PER_TICK == 0 || i + 1 == EVENTS) {
          producer.flush();
          sent.set(i + 1);
          next += Duration.ofMillis(100).toNanos();
          LockSupport.parkNanos(next - System.nanoTime()); // the traffic's pace, not a wait for a condition
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      throw new IllegalStateException("producing failed after " + sent.get() + " events", e);
    }
  }

  private Process startChild(Map<String, String> env, Path log) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.k8spacket.avro", "-cp", classpath,
        StreamsMain.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("K8SPACKET_"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    LOG.info("starting the streams process, log in {}", log);
    return pb.start();
  }

  /** Waits until the child's query API answers (the store may still be restoring). */
  private void awaitApi(int port) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      assertThat(child.isAlive()).as("streams process alive").isTrue();
      return get(port).statusCode() == 200;
    });
  }

  /** True when the app's committed offsets on the TCP topic reach its end: every event was processed. */
  private boolean caughtUp() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("crash-restart-it")
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        latest.put(new TopicPartition(Topics.TCP, p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
          && committed.get(e.getKey()).offset() >= e.getValue().offset());
    }
  }

  private static long totalConnections(int port) {
    try {
      return totals(port).values().stream().mapToLong(s -> s.get(0)).sum();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Per client IP: connections, bytes sent, bytes received, summed over the rows the API gives by IP. */
  private static Map<String, List<Long>> totals(int port) throws Exception {
    HttpResponse<String> response = get(port);
    if (response.statusCode() != 200) {
      return Map.of();
    }
    Map<String, long[]> sums = new TreeMap<>();
    for (JsonNode row : JSON.readTree(response.body())) {
      long[] s = sums.computeIfAbsent(row.get("src").asText(), k -> new long[3]);
      s[0] += row.get("connCount").asLong();
      s[1] += row.get("bytesSent").asLong();
      s[2] += row.get("bytesReceived").asLong();
    }
    return asLists(sums);
  }

  private static HttpResponse<String> get(int port) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/nodegraph/connections?group-by=ip")).timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, List<Long>> asLists(Map<String, long[]> sums) {
    Map<String, List<Long>> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, List.of(v[0], v[1], v[2])));
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
