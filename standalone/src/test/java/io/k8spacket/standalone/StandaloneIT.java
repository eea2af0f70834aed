package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import io.k8spacket.testsupport.net.Traffic.CloseOrder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole spine as {@code ./k8spacket up} runs it: real BPF program in the kernel, two test hosts in network
 * namespaces, the in-process broker, the topology and the HTTP API. Connections with known byte counts each
 * way must appear on {@code k8spacket.tcp.v1} (both sockets, exact bytes) and at {@code /nodegraph/connections}
 * counted once and named from the metadata file.
 */
class StandaloneIT {
  private static final int NET = 42;
  private static final String V4_CLIENT = "10.231.42.1";
  private static final String V4_SERVER = "10.231.42.2";
  private static final String V6_CLIENT = "fd00:231:42::1";
  private static final String V6_SERVER = "fd00:231:42::2";
  private static final String OUR_HOSTS = "^(10\\.231\\.42\\.|fd00:231:42:)";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TestNetwork net;
  private static StandaloneStack stack;

  @BeforeAll
  static void startEverything() throws Exception {
    TestNetwork.assumeRoot("the standalone stack loads eBPF programs and the test makes network namespaces");
    net = TestNetwork.create(NET, 2);
    Path work = Files.createDirectories(Path.of("target", "it-standalone"));
    Path metadata = work.resolve("metadata.yaml");
    Files.writeString(metadata, """
        endpoints:
          - {ip: %s, name: web-7d9f4-abcde, namespace: shop, workload: web, workloadKind: Deployment, kind: pod, node: n1}
          - {ip: %s, name: web-7d9f4-abcde, namespace: shop, workload: web, workloadKind: Deployment, kind: pod, node: n1}
          - {ip: %s, name: db-0, namespace: data, workload: db, workloadKind: StatefulSet, kind: pod, node: n1}
          - {ip: %s, name: db-0, namespace: data, workload: db, workloadKind: StatefulSet, kind: pod, node: n1}
        """.formatted(V4_CLIENT, V6_CLIENT, V4_SERVER, V6_SERVER));
    stack = StandaloneStack.start(new UpOptions(Optional.of(metadata), 0, 0,
        work.resolve("data-" + UUID.randomUUID())), Map.of(), System.out);
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
    if (net != null) {
      net.close();
    }
  }

  @Test
  void connections_between_namespaces_arrive_exact_counted_once_and_named() throws Exception {
    long from = System.currentTimeMillis();
    TestHost web = net.host(1);
    TestHost db = net.host(2);
    // names take effect from the time the file is seen: make sure it was published before the connections close
    awaitMetadataPublished();

    List<Traffic.Result> exchanges = new ArrayList<>();
    exchanges.add(Traffic.exchange(web, db, db.ipv4(), 123457, 765433, CloseOrder.CLIENT_FIRST));
    exchanges.add(Traffic.exchange(web, db, db.ipv4(), 1000, 5, CloseOrder.SERVER_FIRST));
    exchanges.add(Traffic.exchange(web, db, db.ipv4(), 4000, 0, CloseOrder.CLIENT_RESET));
    exchanges.add(Traffic.exchange(web, db, db.ipv6(), 70000, 3, CloseOrder.CLIENT_FIRST));
    Traffic.Result refused = Traffic.refused(web, db.ipv4(), Traffic.closedPort(db, db.ipv4()));

    // 1. the raw topic: both sockets of each established connection, one for the refused attempt
    List<TcpConnectionEvent> events = readOurEvents(2 * exchanges.size() + 1);
    assertObservedTwice(events, exchanges.get(0), 123457, 765433, CloseKind.NORMAL);
    assertObservedTwice(events, exchanges.get(1), 1000, 5, CloseKind.NORMAL);
    assertObservedTwice(events, exchanges.get(2), 4000, 0, CloseKind.RESET);
    assertObservedTwice(events, exchanges.get(3), 70000, 3, CloseKind.NORMAL);
    TcpConnectionEvent attempt = only(events, refused);
    assertThat(attempt.getObserver()).isEqualTo(Observer.CLIENT);
    assertThat(attempt.getCloseKind()).isEqualTo(CloseKind.NEVER_ESTABLISHED);
    assertThat(attempt.getBytesClientToServer()).isZero();
    assertThat(attempt.getBytesServerToClient()).isZero();

    // 2. the API by IP: each connection counted once, exact sums per edge
    String range = "&from=" + (from - 60_000) + "&to=" + (System.currentTimeMillis() + 120_000)
        + "&include=" + URLEncoder.encode(OUR_HOSTS, StandardCharsets.UTF_8);
    JsonNode byIp = awaitRows("group-by=ip" + range, 2, 5);
    assertEdge(row(byIp, V4_CLIENT, V4_SERVER), "web-7d9f4-abcde", "shop", "db-0", "data",
        4, 123457 + 1000 + 4000, 765433 + 5); // 3 established + the refused attempt
    assertEdge(row(byIp, V6_CLIENT, V6_SERVER), "web-7d9f4-abcde", "shop", "db-0", "data", 1, 70000, 3);

    // 3. the API by workload (the default): one edge shop/web -> data/db with everything
    JsonNode byWorkload = awaitRows("group-by=workload" + range, 1, 5);
    assertEdge(row(byWorkload, "shop/web", "data/db"), "web", "shop", "db", "data",
        5, 123457 + 1000 + 4000 + 70000, 765433 + 5 + 3);
  }

  private static void assertEdge(JsonNode row, String srcName, String srcNamespace, String dstName,
      String dstNamespace, long connCount, long bytesSent, long bytesReceived) {
    assertThat(row.get("srcName").asText()).isEqualTo(srcName);
    assertThat(row.get("srcNamespace").asText()).isEqualTo(srcNamespace);
    assertThat(row.get("dstName").asText()).isEqualTo(dstName);
    assertThat(row.get("dstNamespace").asText()).isEqualTo(dstNamespace);
    assertThat(row.get("connCount").asLong()).isEqualTo(connCount);
    assertThat(row.get("connPersistent").asLong()).isZero();
    assertThat(row.get("bytesSent").asLong()).isEqualTo(bytesSent);
    assertThat(row.get("bytesReceived").asLong()).isEqualTo(bytesReceived);
    assertThat(row.get("maxDuration").asLong()).isLessThanOrEqualTo(row.get("duration").asLong());
  }

  /** The file source publishes at start; wait until the metadata topic holds our four IPs. */
  private static void awaitMetadataPublished() {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.METADATA));
      List<String> ips = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> ips.add(r.key()));
        return ips.containsAll(List.of(V4_CLIENT, V6_CLIENT, V4_SERVER, V6_SERVER));
      });
    }
  }

  private static List<TcpConnectionEvent> readOurEvents(int expected) {
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    List<TcpConnectionEvent> ours = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.TCP));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TcpConnectionEvent e = serde.decode(r.value());
          if (e.getClientIp().matches(OUR_HOSTS + ".*")) {
            assertThat(r.key()).isEqualTo(e.getClientIp());
            ours.add(e);
          }
        }
        return ours.size() >= expected;
      });
    }
    assertThat(ours).hasSize(expected);
    return ours;
  }

  private static void assertObservedTwice(List<TcpConnectionEvent> events, Traffic.Result r, long c2s, long s2c,
      CloseKind kind) {
    List<TcpConnectionEvent> twins = events.stream().filter(e -> sameTuple(e, r)).toList();
    assertThat(twins).extracting(TcpConnectionEvent::getObserver)
        .containsExactlyInAnyOrder(Observer.CLIENT, Observer.SERVER);
    for (TcpConnectionEvent e : twins) {
      assertThat(e.getBytesClientToServer()).as("c2s of %s", e).isEqualTo(c2s);
      assertThat(e.getBytesServerToClient()).as("s2c of %s", e).isEqualTo(s2c);
      assertThat(e.getCloseTimeNs()).isGreaterThan(e.getOpenTimeNs());
      assertThat(e.getSegmentsClientToServer()).isPositive();
    }
    // the socket that sent or received the reset says so; a clean close is clean on both sides
    assertThat(twins).extracting(TcpConnectionEvent::getCloseKind).contains(kind);
    if (kind == CloseKind.NORMAL) {
      assertThat(twins).extracting(TcpConnectionEvent::getCloseKind).containsOnly(CloseKind.NORMAL);
    }
  }

  private static TcpConnectionEvent only(List<TcpConnectionEvent> events, Traffic.Result r) {
    List<TcpConnectionEvent> matching = events.stream().filter(e -> sameTuple(e, r)).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }

  private static boolean sameTuple(TcpConnectionEvent e, Traffic.Result r) {
    return e.getClientPort() == r.client().getPort() && e.getServerPort() == r.server().getPort()
        && address(e.getClientIp()).equals(r.client().getAddress())
        && address(e.getServerIp()).equals(r.server().getAddress());
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new AssertionError("not an IP literal: " + literal, e);
    }
  }

  /** Polls the connections endpoint until it lists {@code rows} rows whose connCounts add up to {@code conns}. */
  private static JsonNode awaitRows(String query, int rows, long conns) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
      last[0] = get("/nodegraph/connections?" + query);
      long total = StreamSupport.stream(last[0].spliterator(), false).mapToLong(n -> n.get("connCount").asLong()).sum();
      return last[0].size() == rows && total == conns;
    });
    return last[0];
  }

  private static JsonNode row(JsonNode rows, String src, String dst) {
    return StreamSupport.stream(rows.spliterator(), false)
        .filter(r -> r.get("src").asText().equals(src) && r.get("dst").asText().equals(dst))
        .findFirst().orElseThrow(() -> new AssertionError("no row " + src + " -> " + dst + " in " + rows));
  }

  private static JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + stack.apiPort() + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
        "group.id", "it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
        new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
  }
}
