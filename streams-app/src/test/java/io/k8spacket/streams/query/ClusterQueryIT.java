package io.k8spacket.streams.query;

import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.http.PartialAnswers;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.StreamsProcess;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.k8spacket.streams.metadata.MetadataChange;
import io.k8spacket.streams.topology.TlsFixtures;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two streams processes of one application (same application id, own state directories and API ports) on one
 * broker whose topics have two partitions, so each owns part of every store. Sixteen client pods of
 * {@code shop/frontend} talk to {@code shop/web} (TCP, and one TLS handshake each with its own SNI and chain),
 * spread over both partitions. The API of either instance must give the same, summed answer, exactly the known
 * totals. Then instance B becomes unreachable, then hangs, for A (A reaches B only through a {@link PeerLink}):
 * A answers within the peer timeout with its own share, exactly, and names B in {@code X-K8spacket-Partial} and
 * in {@code k8spacket_api_peer_failures_total}; B, still reaching A, answers in full.
 */
class ClusterQueryIT {
  static final Duration WAIT = Duration.ofSeconds(240);
  static final long PEER_TIMEOUT_MS = 4_000;
  static final String TOKEN = "cluster-it-Token";
  /** A minute boundary ten minutes ago: event times near now, as the broker expects. */
  static final long T0 = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
  static final String RANGE = "from=" + (T0 - 60_000) + "&to=" + (T0 + 10 * 60_000);
  static final int CLIENTS = 16;
  static final String WEB = "10.1.1.1";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static EmbeddedKafkaBroker broker;
  static StreamsProcess a;
  static StreamsProcess b;
  static PeerLink toB;
  static PrometheusMeterRegistry registryA;
  static int portA;
  static int portB;

  @BeforeAll
  static void startBrokerAndTwoInstances() throws Exception {
    broker = EmbeddedKafkaBroker.startTemporary(Path.of("target", "it-kafka"));
    for (String topic : List.of(Topics.TCP, Topics.CONNECTIONS, Topics.TLS, Topics.TLS_SESSIONS,
        "k8spacket.dead-letters.v1")) {
      broker.createTopic(topic, 2);
    }
    broker.createCompactedTopic(Topics.METADATA, 2);
    broker.createCompactedTopic(Topics.CERTIFICATES, 2);
    List<EndpointMetadata> pods = new ArrayList<>();
    pods.add(pod(WEB, "web-0", "shop", "web", T0 - 3_600_000));
    for (int i = 0; i < CLIENTS; i++) {
      pods.add(pod(clientIp(i), "frontend-" + i, "shop", "frontend", T0 - 3_600_000));
    }
    try (KafkaMetadataPublisher publisher = new KafkaMetadataPublisher(broker.bootstrapServers(), Topics.METADATA)) {
      publisher.publish(pods.stream().map(MetadataChange::upsert).toList());
    }
    Path work = Files.createDirectories(Path.of("target", "cluster-query-it", UUID.randomUUID().toString()));
    // a new member with empty stores takes its share of the tasks at once (no warm-up, no probing rebalance)
    Path kafka = Files.writeString(work.resolve("kafka.properties"), "acceptable.recovery.lag=1000000000\n");
    String applicationId = "cluster-query-it-" + UUID.randomUUID();
    portA = freePort();
    portB = freePort();
    toB = new PeerLink(freePort(), portB);
    registryA = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    a = StreamsProcess.start(streamsConfig(applicationId, work.resolve("state-a"), kafka, portA),
        apiConfig(portA), registryA);
    b = StreamsProcess.start(streamsConfig(applicationId, work.resolve("state-b"), kafka, toB.port()),
        apiConfig(portB), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    assertThat(a.awaitRunning(WAIT)).isTrue();
    assertThat(b.awaitRunning(WAIT)).isTrue();
    produceTraffic();
  }

  @AfterAll
  static void stop() throws IOException {
    for (AutoCloseable c : new AutoCloseable[] {b, a, toB, broker}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the others
      }
    }
  }

  @Test
  void either_instance_answers_the_same_summed_totals_and_without_one_peer_a_partial_answer_that_says_so()
      throws Exception {
    Map<String, List<Long>> expected = expectedPerClient();
    // both answer in full once both instances have processed everything
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
      assertThat(perClient(get(portA, "/nodegraph/connections?group-by=ip&" + RANGE))).isEqualTo(expected);
      assertThat(perClient(get(portB, "/nodegraph/connections?group-by=ip&" + RANGE))).isEqualTo(expected);
      assertThat(json(get(portA, "/tlsparser/api/certificates?" + RANGE))).hasSize(CLIENTS);
      assertThat(json(get(portB, "/tlsparser/api/data?" + RANGE))).hasSize(CLIENTS);
    });

    // each instance owns one partition of the edge store, and holds part of the traffic
    Map<Integer, Integer> owner = new TreeMap<>();
    Map<Integer, Map<String, List<Long>>> byPartition = new TreeMap<>();
    for (int p = 0; p < 2; p++) {
      HttpResponse<String> fromA = get(portA, QueryApp.INTERNAL_EDGES + "?partitions=" + p + "&" + RANGE);
      HttpResponse<String> fromB = get(portB, QueryApp.INTERNAL_EDGES + "?partitions=" + p + "&" + RANGE);
      assertThat(Set.of(fromA.statusCode(), fromB.statusCode())).as("partition %d: one owner", p)
          .isEqualTo(Set.of(200, 503));
      owner.put(p, fromA.statusCode() == 200 ? portA : portB);
      byPartition.put(p, perClientSamples(fromA.statusCode() == 200 ? fromA : fromB));
    }
    assertThat(new TreeSet<>(owner.values())).as("both instances own a partition").containsExactly(
        Math.min(portA, portB), Math.max(portA, portB));
    assertThat(byPartition.values()).allSatisfy(share -> assertThat(share).isNotEmpty());
    Map<String, List<Long>> shareOfA = byPartition.get(owner.get(0) == portA ? 0 : 1);

    // the same graph, TLS rows, details and certificates from either instance, with the exact totals
    long connections = expected.values().stream().mapToLong(v -> v.get(0)).sum();
    for (String path : List.of("/nodegraph/api/graph/data?" + RANGE, "/nodegraph/api/graph/data?stats-type=bytes&"
        + RANGE, "/nodegraph/connections?" + RANGE, "/tlsparser/api/data?" + RANGE,
        "/tlsparser/api/certificates?" + RANGE)) {
      HttpResponse<String> fromA = get(portA, path);
      HttpResponse<String> fromB = get(portB, path);
      assertThat(fromA.headers().firstValue(PartialAnswers.HEADER)).as(path).isEmpty();
      assertThat(json(fromA)).as(path).isEqualTo(json(fromB));
    }
    JsonNode graph = json(get(portA, "/nodegraph/api/graph/data?" + RANGE));
    JsonNode edge = graph.get("edges").get(0);
    assertThat(graph.get("edges")).hasSize(1);
    assertThat(edge.get("id").asText()).isEqualTo("shop/frontend->shop/web");
    assertThat(edge.get("mainStat").asText()).isEqualTo("all: " + connections);
    assertThat(edge.get("detail__ports").asText()).isEqualTo("8443");
    assertThat(edge.get("detail__tls").asText()).isEqualTo("51.6%"); // 16 handshakes, 31 connections
    JsonNode rows = json(get(portB, "/tlsparser/api/data?" + RANGE));
    assertThat(rows).extracting(r -> r.get("src").asText()).containsExactlyElementsOf(
        expected.keySet().stream().sorted().toList());
    for (JsonNode row : rows) {
      String id = row.get("id").asText();
      JsonNode details = json(get(portA, "/tlsparser/api/data/" + id));
      assertThat(details).isEqualTo(json(get(portB, "/tlsparser/api/data/" + id)));
      assertThat(details.at("/certificate/chain")).hasSize(2);
    }

    // B unreachable for A: A answers its own share at once, says so, and counts it
    toB.refuse();
    HttpResponse<String> partial = get(portA, "/nodegraph/connections?group-by=ip&" + RANGE);
    assertThat(partial.statusCode()).isEqualTo(200);
    assertThat(partial.headers().firstValue(PartialAnswers.HEADER)).hasValueSatisfying(v -> assertThat(v)
        .startsWith("peer 127.0.0.1:" + toB.port() + " is unreachable"));
    assertThat(perClient(partial)).isEqualTo(shareOfA);
    assertThat(failures("unreachable")).isGreaterThanOrEqualTo(1);

    // B hangs for A: A answers within the peer timeout, once per query however many stores it reads
    toB.hang();
    for (String path : List.of("/nodegraph/connections?group-by=ip&" + RANGE, "/nodegraph/api/graph/data?" + RANGE)) {
      long start = System.nanoTime();
      HttpResponse<String> hung = get(portA, path);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(hung.statusCode()).isEqualTo(200);
      assertThat(hung.headers().firstValue(PartialAnswers.HEADER))
          .contains("peer 127.0.0.1:" + toB.port() + " timed out after " + PEER_TIMEOUT_MS + " ms");
      assertThat(tookMs).as(path).isBetween(PEER_TIMEOUT_MS - 100, PEER_TIMEOUT_MS + 3_500);
    }
    assertThat(perClient(get(portA, "/nodegraph/connections?group-by=ip&" + RANGE))).isEqualTo(shareOfA);
    assertThat(failures("timeout")).isGreaterThanOrEqualTo(2);

    // B still reaches A: its answer is whole
    HttpResponse<String> whole = get(portB, "/nodegraph/connections?group-by=ip&" + RANGE);
    assertThat(whole.headers().firstValue(PartialAnswers.HEADER)).isEmpty();
    assertThat(perClient(whole)).isEqualTo(expected);
    toB.forward();
  }

  /** Client {@code i}'s IP: 10.1.0.1 to 10.1.0.16. */
  static String clientIp(int i) {
    return "10.1.0." + (i + 1);
  }

  /** Connections of client {@code i}: 1, 2 or 3 (31 in all). */
  static int connectionsOf(int i) {
    return i % 3 + 1;
  }

  /** Per client IP: connections, bytes client to server, bytes server to client. */
  static Map<String, List<Long>> expectedPerClient() {
    Map<String, List<Long>> expected = new TreeMap<>();
    for (int i = 0; i < CLIENTS; i++) {
      long sent = 0;
      long received = 0;
      for (int j = 0; j < connectionsOf(i); j++) {
        sent += 100L * (i + 1) + j;
        received += 1_000L + 10L * i + j;
      }
      expected.put(clientIp(i), List.of((long) connectionsOf(i), sent, received));
    }
    return expected;
  }

  private static void produceTraffic() {
    List<TcpConnectionEvent> tcp = new ArrayList<>();
    List<TlsHandshakeEvent> tls = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      for (int j = 0; j < connectionsOf(i); j++) {
        long close = T0 + 5_000 + i * 1_000L + j * 100L;
        tcp.add(event(Observer.CLIENT, clientIp(i), 40_000 + j, WEB, 8443, close - 250, close,
            100L * (i + 1) + j, 1_000L + 10L * i + j));
      }
      String sni = "s" + i + ".shop";
      CertificateInfo leaf = TlsFixtures.cert("CN=" + sni, "CN=Shop CA", Integer.toHexString(i + 1),
          T0 - TlsFixtures.DAY, T0 + (30 + i) * TlsFixtures.DAY, String.format("%064x", i + 1));
      tls.add(TlsFixtures.handshake(clientIp(i), 41_000, WEB, 8443, sni, TlsFixtures.TLS12,
          TlsFixtures.ECDHE_RSA_AES256, T0 + 30_000 + i * 10L, List.of(leaf, TlsFixtures.SHOP_CA)));
    }
    produce(Topics.TCP, TcpConnectionEvent.class, TcpConnectionEvent::getClientIp, tcp);
    produce(Topics.TLS, TlsHandshakeEvent.class, TlsHandshakeEvent::getClientIp, tls);
  }

  private static <V extends SpecificRecord> void produce(String topic, Class<V> type, Function<V, String> key,
      List<V> records) {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
        AvroSerde.of(type).serializer())) {
      for (V r : records) {
        producer.send(new ProducerRecord<>(topic, key.apply(r), r));
      }
      producer.flush();
    }
  }

  private static StreamsAppConfig streamsConfig(String applicationId, Path state, Path kafka, int advertisedPort) {
    return StreamsAppConfig.fromEnv(Map.of(
        "K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "K8SPACKET_STREAMS_APPLICATION_ID", applicationId,
        "K8SPACKET_STREAMS_STATE_DIR", state.toString(),
        "K8SPACKET_STREAMS_REPLICATION_FACTOR", "1",
        "K8SPACKET_STREAMS_KAFKA_CONFIG_FILE", kafka.toString(),
        "K8SPACKET_STREAMS_APPLICATION_SERVER", "127.0.0.1:" + advertisedPort));
  }

  private static QueryApiConfig apiConfig(int port) {
    return QueryApiConfig.fromMap(Map.of(
        QueryApiConfig.PORT, String.valueOf(port),
        QueryApiConfig.TOKEN, TOKEN,
        QueryApiConfig.PEER_TIMEOUT_MS, String.valueOf(PEER_TIMEOUT_MS),
        QueryApiConfig.QUERY_TIMEOUT_MS, "60000"));
  }

  /** {@code k8spacket_api_peer_failures_total} on A for B's advertised address and {@code reason}. */
  private static double failures(String reason) throws Exception {
    String line = "k8spacket_api_peer_failures_total{peer=\"127.0.0.1:" + toB.port() + "\",reason=\"" + reason
        + "\"} ";
    for (String l : get(portA, QueryApp.METRICS).body().split("\n")) {
      if (l.startsWith(line)) {
        return Double.parseDouble(l.substring(line.length()).trim());
      }
    }
    return 0;
  }

  private static HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Authorization", "Bearer " + TOKEN)
        .timeout(Duration.ofSeconds(90))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** Per {@code src} of a connections answer: connections, bytes sent, bytes received. */
  private static Map<String, List<Long>> perClient(HttpResponse<String> response) throws IOException {
    Map<String, List<Long>> sums = new TreeMap<>();
    for (JsonNode row : json(response)) {
      sums.merge(row.get("src").asText(), List.of(row.get("connCount").asLong(), row.get("bytesSent").asLong(),
          row.get("bytesReceived").asLong()), ClusterQueryIT::plus);
    }
    return sums;
  }

  /** Per client IP of an internal edges answer (raw samples): connections, bytes sent, bytes received. */
  private static Map<String, List<Long>> perClientSamples(HttpResponse<String> response) throws IOException {
    Map<String, List<Long>> sums = new TreeMap<>();
    for (JsonNode sample : json(response)) {
      sums.merge(sample.at("/client/ip").asText(), List.of(sample.get("connCount").asLong(),
          sample.get("bytesSent").asLong(), sample.get("bytesReceived").asLong()), ClusterQueryIT::plus);
    }
    return sums;
  }

  private static List<Long> plus(List<Long> x, List<Long> y) {
    return List.of(x.get(0) + y.get(0), x.get(1) + y.get(1), x.get(2) + y.get(2));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
