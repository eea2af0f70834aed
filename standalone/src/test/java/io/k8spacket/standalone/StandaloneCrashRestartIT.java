package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone process as a whole ({@code Main up}: broker, streams app, agent in one child JVM) killed with
 * SIGKILL and started again on its data directory. Connections made before the kill (once the agent's events of
 * them are in the broker) and after the restart must be counted exactly once at {@code /nodegraph/connections},
 * with their exact bytes.
 */
class StandaloneCrashRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneCrashRestartIT.class);
  private static final int NET = 43;
  private static final String CLIENT = "10.231.43.1";
  private static final String SERVER = "10.231.43.2";
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TestNetwork net;
  private static Process child;

  @BeforeAll
  static void network() {
    TestNetwork.assumeRoot("the standalone stack loads eBPF programs and the test makes network namespaces");
    net = TestNetwork.create(NET, 2);
  }

  @AfterAll
  static void stop() {
    if (child != null) {
      child.destroyForcibly();
    }
    if (net != null) {
      net.close();
    }
  }

  @Test
  void a_sigkilled_standalone_process_restarted_on_its_data_dir_counts_every_connection_once() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "it-standalone-crash", UUID.randomUUID().toString()))
        .toAbsolutePath();
    Path clientConfig = work.resolve("kafka.properties");
    // the killed process's group member leaves after 6 s instead of 45 s
    Files.writeString(clientConfig, "session.timeout.ms=6000\nheartbeat.interval.ms=1500\n");
    int httpPort = freePort();
    int kafkaPort = freePort();
    int agentPort = freePort();
    List<String> args = List.of("up", "--data-dir", work.resolve("data").toString(), "--http-port",
        String.valueOf(httpPort), "--kafka-port", String.valueOf(kafkaPort));
    Map<String, String> env = Map.of(
        "K8SPACKET_AGENT_HTTP_PORT", String.valueOf(agentPort),
        "K8SPACKET_AGENT_TLS_ENABLED", "false",
        "K8SPACKET_AGENT_REPORT_INTERVAL_MS", "0",
        "K8SPACKET_STREAMS_KAFKA_CONFIG_FILE", clientConfig.toString());

    child = start(args, env, work.resolve("standalone-1.log"));
    awaitReady(httpPort, agentPort, work.resolve("standalone-1.log"));
    long[] before = exchanges(0, 12);
    // the agent's events of them are in the broker (both sockets): what the kill may not lose
    awaitEvents("127.0.0.1:" + kafkaPort, 2 * 12);
    long countedBeforeKill = connections(httpPort)[0];
    child.destroyForcibly(); // SIGKILL: broker, streams app and agent at once
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);

    long restartAt = System.nanoTime();
    child = start(args, env, work.resolve("standalone-2.log"));
    awaitReady(httpPort, agentPort, work.resolve("standalone-2.log"));
    long readyAfter = (System.nanoTime() - restartAt) / 1_000_000_000;
    long[] after = exchanges(12, 6);
    long[] expected = {18, before[1] + after[1], before[2] + after[2]};
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> Arrays.equals(connections(httpPort), expected));
    LOG.info("standalone killed with {} of 12 connections counted; ready again {} s after the restart; 18"
        + " connections, {} bytes sent, {} bytes received, counted once", countedBeforeKill, readyAfter, expected[1],
        expected[2]);
    assertThat(connections(httpPort)).containsExactly(expected);
  }

  /** {@code count} connections client → server with distinct byte counts; returns {count, sent, received}. */
  private static long[] exchanges(int first, int count) throws Exception {
    long[] sums = {count, 0, 0};
    for (int i = first; i < first + count; i++) {
      long request = 1_000 + 17L * i;
      long response = 5_000 + 31L * i;
      Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv4(), request, response,
          Traffic.CloseOrder.CLIENT_FIRST);
      sums[1] += request;
      sums[2] += response;
    }
    return sums;
  }

  private static Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx768m", "-cp", classpath, Main.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("K8SPACKET_"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    LOG.info("starting k8spacket up, log in {}", log);
    return pb.start();
  }

  /** Waits until the agent (started last) answers /healthz with 200 and the query API answers. */
  private static void awaitReady(int httpPort, int agentPort, Path log) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
      assertThat(child.isAlive()).as("standalone process alive, log %s", log).isTrue();
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort
          + "/healthz")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return health.statusCode() == 200 && get(httpPort, "").statusCode() == 200;
    });
  }

  /** Waits until {@code count} TCP events of the test hosts are in the broker. */
  private static void awaitEvents(String bootstrap, int count) {
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "crash-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<TcpConnectionEvent> ours = new ArrayList<>();
    try (KafkaConsumer<String, TcpConnectionEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        AvroSerde.of(TcpConnectionEvent.class).deserializer())) {
      consumer.subscribe(List.of(Topics.TCP));
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() != null && CLIENT.equals(r.value().getClientIp()) && SERVER.equals(r.value().getServerIp())) {
            ours.add(r.value());
          }
        });
        return ours.size() >= count;
      });
    }
  }

  /** {connections, bytes sent, bytes received} of the edge client → server at the API, grouped by IP. */
  private static long[] connections(int httpPort) throws Exception {
    HttpResponse<String> response = get(httpPort, "&include="
        + URLEncoder.encode("^10\\.231\\.43\\.", StandardCharsets.UTF_8));
    long[] sums = new long[3];
    if (response.statusCode() != 200) {
      return sums;
    }
    for (JsonNode row : JSON.readTree(response.body())) {
      if (row.get("src").asText().equals(CLIENT) && row.get("dst").asText().equals(SERVER)) {
        sums[0] += row.get("connCount").asLong();
        sums[1] += row.get("bytesSent").asLong();
        sums[2] += row.get("bytesReceived").asLong();
      }
    }
    return sums;
  }

  private static HttpResponse<String> get(int port, String query) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/nodegraph/connections?group-by=ip" + query)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
