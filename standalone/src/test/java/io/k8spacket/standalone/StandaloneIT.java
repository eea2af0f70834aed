package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.testsupport.net.LiveConnection;
import io.k8spacket.testsupport.prometheus.PrometheusServer;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import io.k8spacket.testsupport.net.Traffic.CloseOrder;
import io.k8spacket.testsupport.tls.TestPki;
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
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
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
  private static final String V4_TLS_CLIENT = "10.231.42.3";
  private static final String V6_TLS_CLIENT = "fd00:231:42::3";
  private static final String V4_API = "10.231.42.4";
  private static final String V4_MOVING = "10.231.42.5";
  private static final String V4_STREAMER = "10.231.42.6";
  private static final String V4_PROBER = "10.231.42.7";
  private static final String OUR_HOSTS = "^(10\\.231\\.42\\.|fd00:231:42:)";
  /**
   * The TCP test looks at hosts 1 and 2 only; 3 makes the TLS test's connections, 4 and 5 the re-assignment's,
   * 6 the long-lived connection's, 7 the Prometheus test's.
   */
  private static final String OTHER_TESTS_HOSTS = "^(10\\.231\\.42\\.[3-7]|fd00:231:42::[3-7])$";
  /** Short windows and report interval, so a connection held open for a minute spans several windows. */
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static TestNetwork net;
  private static StandaloneStack stack;
  private static Path metadata;
  private static TestPki.Chain pki;

  @BeforeAll
  static void startEverything() throws Exception {
    TestNetwork.assumeRoot("the standalone stack loads eBPF programs and the test makes network namespaces");
    net = TestNetwork.createBridged(NET, 7);
    Path work = Files.createDirectories(Path.of("target", "it-standalone"));
    metadata = work.resolve("metadata.yaml");
    Files.writeString(metadata, metadataYaml("cache-0", "data", "cache", "StatefulSet"));
    pki = TestPki.create(work, "shop.example.test", List.of("DNS:shop.example.test", "IP:" + V4_SERVER), 30);
    stack = StandaloneStack.start(new UpOptions(Optional.of(metadata), 0, 0,
        work.resolve("data-" + UUID.randomUUID())),
        Map.of("K8SPACKET_AGENT_TLS_INTERFACES", "^" + net.rootInterfacePrefix(),
            "K8SPACKET_AGENT_REPORT_INTERVAL_MS", "1000",
            "K8SPACKET_STREAMS_WINDOW_SIZE", WINDOW.toSeconds() + "s"), System.out);
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
        + "&include=" + URLEncoder.encode(OUR_HOSTS, StandardCharsets.UTF_8)
        + "&exclude=" + URLEncoder.encode(OTHER_TESTS_HOSTS, StandardCharsets.UTF_8);
    JsonNode byIp = awaitRows("group-by=ip" + range, 2, 5);
    assertEdge(row(byIp, V4_CLIENT, V4_SERVER), "web-7d9f4-abcde", "shop", "db-0", "data",
        4, 123457 + 1000 + 4000, 765433 + 5); // 3 established + the refused attempt
    assertEdge(row(byIp, V6_CLIENT, V6_SERVER), "web-7d9f4-abcde", "shop", "db-0", "data", 1, 70000, 3);

    // 3. the API by workload (the default): one edge shop/web -> data/db with everything
    JsonNode byWorkload = awaitRows("group-by=workload" + range, 1, 5);
    assertEdge(row(byWorkload, "shop/web", "data/db"), "web", "shop", "db", "data",
        5, 123457 + 1000 + 4000 + 70000, 765433 + 5 + 3);
  }

  @Test
  void tls_handshakes_between_namespaces_show_version_cipher_sni_and_the_whole_chain() throws Exception {
    long from = System.currentTimeMillis();
    awaitMetadataPublished();
    TestHost reporter = net.host(3);
    TestHost db = net.host(2);
    String v12 = handshake(reporter, db, V4_SERVER, 8443, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384");
    assertThat(v12).contains("Protocol version: TLSv1.2", "Ciphersuite: ECDHE-RSA-AES256-GCM-SHA384",
        "Verification: OK");
    String v13 = handshake(reporter, db, "[" + V6_SERVER + "]", 8444, "-tls1_3", "-ciphersuites",
        "TLS_AES_256_GCM_SHA384");
    assertThat(v13).contains("Protocol version: TLSv1.3", "Ciphersuite: TLS_AES_256_GCM_SHA384", "Verification: OK");

    // the TLS table: one row per handshake, names from the metadata file, IANA names
    String range = "?from=" + (from - 60_000) + "&to=" + (System.currentTimeMillis() + 120_000);
    JsonNode[] rows = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
      rows[0] = getOrNullWhileUnavailable("/tlsparser/api/data" + range);
      return rows[0] != null && tlsRow(rows[0], V4_TLS_CLIENT) != null && tlsRow(rows[0], V6_TLS_CLIENT) != null;
    });
    JsonNode row12 = tlsRow(rows[0], V4_TLS_CLIENT);
    assertTlsRow(row12, V4_SERVER, 8443, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    JsonNode row13 = tlsRow(rows[0], V6_TLS_CLIENT);
    assertTlsRow(row13, V6_SERVER, 8444, "TLS 1.3", "TLS_AES_256_GCM_SHA384");

    // details of the TLS 1.2 session: the exact leaf notAfter and the whole chain, read from the handshake
    JsonNode details = get("/tlsparser/api/data/" + row12.get("id").asText() + range);
    assertThat(details.get("domain").asText()).isEqualTo("shop.example.test");
    assertThat(details.get("dst").asText()).isEqualTo(V4_SERVER);
    assertThat(details.get("port").asInt()).isEqualTo(8443);
    assertThat(details.get("usedTLSVersion").asText()).isEqualTo("TLS 1.2");
    assertThat(details.get("usedCipherSuite").asText()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assertThat(texts(details.get("clientCipherSuites"))).containsExactly("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    JsonNode certificate = details.get("certificate");
    assertThat(certificate.get("notAfter").asText()).isEqualTo(pki.leaf().getNotAfter().toInstant().toString());
    assertThat(certificate.get("notBefore").asText()).isEqualTo(pki.leaf().getNotBefore().toInstant().toString());
    assertThat(certificate.get("serverChain").asText()).contains("shop.example.test", "k8spacket test intermediate");
    JsonNode chain = certificate.get("chain");
    assertThat(chain).hasSize(2);
    assertCertificate(chain.get(0), pki.leaf());
    assertCertificate(chain.get(1), pki.intermediate());
    assertThat(texts(chain.get(0).get("subjectAltNames"))).containsExactly("DNS:shop.example.test", "IP:" + V4_SERVER);

    // TLS 1.3 hides the chain (active fetch is opt-in and off)
    JsonNode hidden = get("/tlsparser/api/data/" + row13.get("id").asText() + range);
    assertThat(hidden.get("certificate").get("serverChain").asText()).isEqualTo("UNAVAILABLE");

    // the certificate list: our leaf with the workload that used it
    JsonNode certificates = get("/tlsparser/api/certificates" + range);
    JsonNode ours = StreamSupport.stream(certificates.spliterator(), false)
        .filter(c -> c.get("serverIp").asText().equals(V4_SERVER) && c.get("port").asInt() == 8443)
        .findFirst().orElseThrow(() -> new AssertionError("no certificate for " + V4_SERVER + ":8443 in " + certificates));
    assertThat(ours.get("domain").asText()).isEqualTo("shop.example.test");
    assertThat(ours.get("server").asText()).isEqualTo("data/db");
    assertThat(ours.get("notAfter").asText()).isEqualTo(pki.leaf().getNotAfter().toInstant().toString());
    assertThat(ours.get("daysLeft").asLong()).isBetween(29L, 30L);
    assertThat(ours.get("clients")).extracting(c -> c.get("workload").asText()).containsExactly("report");
  }

  @Test
  void an_ip_reassigned_in_the_metadata_file_mid_run_gives_two_named_edges_with_exact_counts() throws Exception {
    long from = System.currentTimeMillis();
    awaitMetadataPublished();
    TestHost api = net.host(4);
    TestHost moving = net.host(5);
    Traffic.exchange(api, moving, moving.ipv4(), 1111, 222, CloseOrder.CLIENT_FIRST);
    Traffic.exchange(api, moving, moving.ipv4(), 3333, 444, CloseOrder.SERVER_FIRST);

    // host 5's IP goes from pod cache-0 to pod queue-0: it takes effect from the time the file change is seen
    Files.writeString(metadata, metadataYaml("queue-0", "jobs", "queue", "Deployment"));
    awaitMetadataName(V4_MOVING, "queue-0");
    Traffic.exchange(api, moving, moving.ipv4(), 5555, 666, CloseOrder.CLIENT_FIRST);

    String query = "group-by=pod&from=" + (from - 60_000) + "&to=" + (System.currentTimeMillis() + 120_000)
        + "&include=" + URLEncoder.encode("^10\\.231\\.42\\.[45]$", StandardCharsets.UTF_8);
    JsonNode rows = awaitRows(query, 2, 3);
    assertEdge(row(rows, "shop/api-5f6d7", "data/cache-0"), "api-5f6d7", "shop", "cache-0", "data", 2,
        1111 + 3333, 222 + 444);
    assertEdge(row(rows, "shop/api-5f6d7", "jobs/queue-0"), "api-5f6d7", "shop", "queue-0", "jobs", 1, 5555, 666);
  }

  @Test
  void a_long_lived_connection_shows_its_bytes_in_each_window_before_it_closes_and_adds_up_exactly()
      throws Exception {
    awaitMetadataPublished();
    TestHost player = net.host(6);
    TestHost db = net.host(2);
    String only = "&include=" + URLEncoder.encode("^10\\.231\\.42\\.6$", StandardCharsets.UTF_8);
    LiveConnection connection = LiveConnection.open(player, db, db.ipv4());
    long openedMs = System.currentTimeMillis();

    // held open for a minute while sending; meanwhile the API must show its bytes, as no connection yet
    long[] seenWhileOpen = new long[1];
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      connection.exchange(20_000, 700);
      JsonNode rows = getOrNullWhileUnavailable("/nodegraph/connections?group-by=pod&from=" + (openedMs - 60_000)
          + "&to=" + (System.currentTimeMillis() + 60_000) + only);
      if (rows != null && rows.size() == 1) {
        assertThat(rows.get(0).get("connCount").asLong()).as("still open: no connection counted yet").isZero();
        seenWhileOpen[0] = Math.max(seenWhileOpen[0], rows.get(0).get("bytesSent").asLong());
      }
      return System.currentTimeMillis() - openedMs >= 60_000 && seenWhileOpen[0] > 0;
    });
    assertThat(seenWhileOpen[0]).isLessThan(connection.clientSent());
    connection.close();
    long closedMs = System.currentTimeMillis();

    // after the close: one connection, exactly the bytes each way (both sockets reported; counted once)
    String lifetime = "group-by=pod&from=" + (openedMs - 60_000) + "&to=" + (closedMs + 60_000) + only;
    JsonNode rows = awaitRows(lifetime, 1, 1);
    assertThat(rows.get(0).get("bytesSent").asLong()).isEqualTo(connection.clientSent());
    assertThat(rows.get(0).get("bytesReceived").asLong()).isEqualTo(connection.serverSent());
    assertThat(rows.get(0).get("srcName").asText()).isEqualTo("player-0");
    assertThat(rows.get(0).get("dstName").asText()).isEqualTo("db-0");

    // window by window: the traffic is where it happened, and the windows add up to the exact bytes
    long windowMs = WINDOW.toMillis();
    long sent = 0;
    long received = 0;
    int windowsWithBytes = 0;
    for (long start = Math.floorDiv(openedMs, windowMs) * windowMs; start <= closedMs; start += windowMs) {
      JsonNode window = get("/nodegraph/connections?group-by=pod&from=" + start + "&to=" + (start + windowMs) + only);
      if (window.size() == 1) {
        sent += window.get(0).get("bytesSent").asLong();
        received += window.get(0).get("bytesReceived").asLong();
        windowsWithBytes += window.get(0).get("bytesSent").asLong() > 0 ? 1 : 0;
      }
    }
    assertThat(windowsWithBytes).as("a minute of traffic in %s windows", WINDOW).isGreaterThanOrEqualTo(5);
    assertThat(sent).isEqualTo(connection.clientSent());
    assertThat(received).isEqualTo(connection.serverSent());
  }

  @Test
  void prometheus_scrapes_the_traffic_metrics_and_promql_sums_them_exactly() throws Exception {
    awaitMetadataPublished();
    TestHost prober = net.host(7);
    TestHost db = net.host(2);
    long sent = 0;
    long received = 0;
    for (int i = 0; i < 3; i++) {
      Traffic.exchange(prober, db, db.ipv4(), 1000 + i, 50 + i, CloseOrder.CLIENT_FIRST);
      sent += 1000 + i;
      received += 50 + i;
    }

    Path dir = Path.of("target", "it-standalone", "prometheus-" + UUID.randomUUID());
    try (PrometheusServer prometheus = PrometheusServer.start(dir, List.of("127.0.0.1:" + stack.apiPort(),
        "127.0.0.1:" + stack.agent().httpPort()))) {
      String pair = "client_namespace=\"monitoring\",client_workload=\"prober\",server_namespace=\"data\","
          + "server_workload=\"db\"";
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> prometheus.query("sum(k8spacket_connections_total{" + pair + "})").orElse(-1) == 3
              // two targets, scraped independently: wait for the agent's first scrape as well
              && prometheus.query("sum(k8spacket_agent_events_read_total)").isPresent());
      assertThat(prometheus.query("sum(k8spacket_connection_bytes_total{" + pair
          + ",direction=\"client_to_server\"})")).hasValue(sent);
      assertThat(prometheus.query("sum(k8spacket_connection_bytes_total{" + pair
          + ",direction=\"server_to_client\"})")).hasValue(received);
      assertThat(prometheus.query("sum(k8spacket_connection_duration_seconds_count{" + pair + "})")).hasValue(3);
      assertThat(prometheus.query("sum(k8spacket_connection_duration_seconds_bucket{" + pair + ",le=\"+Inf\"})"))
          .hasValue(3);
      assertThat(prometheus.query("k8spacket_streams_state{state=\"RUNNING\"}")).hasValue(1);
      assertThat(prometheus.query("sum(k8spacket_agent_kernel_drops_total)")).hasValue(0);
      assertThat(prometheus.query("sum(k8spacket_agent_events_read_total)").orElseThrow()).isPositive();
    }
  }

  @Test
  void every_k8spacket_metric_exposed_is_documented_in_docs_metrics_md() throws Exception {
    String documented = Files.readString(Path.of("..", "docs", "metrics.md"));
    List<String> exposed = new ArrayList<>();
    for (String port : List.of(String.valueOf(stack.apiPort()), String.valueOf(stack.agent().httpPort()))) {
      HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      metrics.body().lines().filter(l -> l.startsWith("k8spacket_"))
          .map(l -> l.split("[{ ]", 2)[0].replaceAll("_(bucket|count|sum|max|created)$", ""))
          .distinct().forEach(exposed::add);
    }
    assertThat(exposed).contains("k8spacket_connections_total", "k8spacket_agent_events_read_total",
        "k8spacket_streams_state", "k8spacket_api_requests_seconds");
    assertThat(exposed).allSatisfy(name -> assertThat(documented).as("docs/metrics.md lists %s", name)
        .contains("`" + name + "`"));
  }

  /** The metadata file with host 5's IP held by the given pod; every other host as in the other tests. */
  private static String metadataYaml(String movingPod, String movingNamespace, String movingWorkload,
      String movingKind) {
    return """
        endpoints:
          - {ip: %s, name: web-7d9f4-abcde, namespace: shop, workload: web, workloadKind: Deployment, kind: pod, node: n1}
          - {ip: %s, name: web-7d9f4-abcde, namespace: shop, workload: web, workloadKind: Deployment, kind: pod, node: n1}
          - {ip: %s, name: db-0, namespace: data, workload: db, workloadKind: StatefulSet, kind: pod, node: n1}
          - {ip: %s, name: db-0, namespace: data, workload: db, workloadKind: StatefulSet, kind: pod, node: n1}
          - {ip: %s, name: report-28815, namespace: batch, workload: report, workloadKind: CronJob, kind: pod, node: n1}
          - {ip: %s, name: report-28815, namespace: batch, workload: report, workloadKind: CronJob, kind: pod, node: n1}
          - {ip: %s, name: api-5f6d7, namespace: shop, workload: api, workloadKind: Deployment, kind: pod, node: n1}
          - {ip: %s, name: %s, namespace: %s, workload: %s, workloadKind: %s, kind: pod, node: n1}
          - {ip: %s, name: player-0, namespace: media, workload: player, workloadKind: StatefulSet, kind: pod, node: n1}
          - {ip: %s, name: prober-6b8c9-x2x4z, namespace: monitoring, workload: prober, workloadKind: Deployment, kind: pod, node: n1}
        """.formatted(V4_CLIENT, V6_CLIENT, V4_SERVER, V6_SERVER, V4_TLS_CLIENT, V6_TLS_CLIENT, V4_API,
        V4_MOVING, movingPod, movingNamespace, movingWorkload, movingKind, V4_STREAMER, V4_PROBER);
  }

  /** Waits until the metadata topic names {@code ip} {@code name}: the file change has been seen. */
  private static void awaitMetadataName(String ip, String name) {
    AvroSerde<EndpointMetadata> serde = AvroSerde.of(EndpointMetadata.class);
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.METADATA));
      await().atMost(Duration.ofSeconds(60)).until(() -> StreamSupport.stream(
              consumer.poll(Duration.ofMillis(200)).spliterator(), false)
          .anyMatch(r -> r.key().equals(ip) && r.value() != null && serde.decode(r.value()).getName().equals(name)));
    }
  }

  /** Runs openssl s_server in {@code server} for one connection and s_client in {@code client}; s_client's output. */
  private static String handshake(TestHost client, TestHost server, String host, int port, String... clientArgs)
      throws Exception {
    Process serverProcess = server.command("openssl", "s_server", "-accept", String.valueOf(port),
        "-cert", pki.leafCert().toString(), "-key", pki.leafKey().toString(),
        "-cert_chain", pki.intermediateCert().toString(), "-naccept", "1", "-quiet")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> listening(server, port));
      List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", host + ":" + port,
          "-servername", "shop.example.test", "-CAfile", pki.rootCert().toString(), "-brief"));
      command.addAll(List.of(clientArgs));
      Process clientProcess = client.command(command.toArray(String[]::new)).redirectErrorStream(true).start();
      clientProcess.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      clientProcess.getOutputStream().close();
      String output = new String(clientProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(clientProcess.waitFor(30, TimeUnit.SECONDS)).as("s_client finished").isTrue();
      return output;
    } finally {
      serverProcess.destroy();
      serverProcess.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static boolean listening(TestHost host, int port) throws IOException, InterruptedException {
    Process ss = host.command("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ss.waitFor(10, TimeUnit.SECONDS);
    return out.contains("LISTEN");
  }

  private static JsonNode tlsRow(JsonNode rows, String src) {
    return StreamSupport.stream(rows.spliterator(), false).filter(r -> r.get("src").asText().equals(src))
        .findFirst().orElse(null);
  }

  private static void assertTlsRow(JsonNode row, String dst, int port, String version, String cipher) {
    assertThat(row.get("srcName").asText()).isEqualTo("report-28815");
    assertThat(row.get("srcNamespace").asText()).isEqualTo("batch");
    assertThat(row.get("dst").asText()).isEqualTo(dst);
    assertThat(row.get("dstName").asText()).isEqualTo("db-0");
    assertThat(row.get("dstPort").asInt()).isEqualTo(port);
    assertThat(row.get("domain").asText()).isEqualTo("shop.example.test");
    assertThat(row.get("usedTLSVersion").asText()).isEqualTo(version);
    assertThat(row.get("usedCipherSuite").asText()).isEqualTo(cipher);
    assertThat(row.get("id").asText()).isNotEmpty();
    assertThat(row.get("lastSeen").asText()).endsWith("Z");
  }

  private static void assertCertificate(JsonNode json, X509Certificate expected) throws Exception {
    assertThat(json.get("subject").asText()).isEqualTo(expected.getSubjectX500Principal().getName());
    assertThat(json.get("issuer").asText()).isEqualTo(expected.getIssuerX500Principal().getName());
    assertThat(json.get("serial").asText()).isEqualTo(expected.getSerialNumber().toString(16));
    assertThat(json.get("notAfter").asText()).isEqualTo(expected.getNotAfter().toInstant().toString());
    assertThat(json.get("keyType").asText()).isEqualTo("RSA");
    assertThat(json.get("keyBits").asInt()).isEqualTo(2048);
    assertThat(json.get("signatureAlgorithm").asText()).isEqualTo(expected.getSigAlgName());
    assertThat(json.get("sha256").asText()).isEqualTo(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected.getEncoded())));
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
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

  /** The file source publishes at start; wait until the metadata topic holds all our IPs. */
  private static void awaitMetadataPublished() {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.METADATA));
      List<String> ips = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> ips.add(r.key()));
        return ips.containsAll(List.of(V4_CLIENT, V6_CLIENT, V4_SERVER, V6_SERVER, V4_TLS_CLIENT, V6_TLS_CLIENT,
            V4_API, V4_MOVING, V4_STREAMER, V4_PROBER));
      });
    }
  }

  /**
   * Our hosts' events until {@code expected} closes have arrived (a connection that spanned a report tick also
   * has progress reports, which come before its close).
   */
  private static List<TcpConnectionEvent> readOurEvents(int expected) {
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    List<TcpConnectionEvent> ours = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.TCP));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TcpConnectionEvent e = serde.decode(r.value());
          if (e.getClientIp().matches(OUR_HOSTS + ".*") && !e.getClientIp().matches(OTHER_TESTS_HOSTS)) {
            assertThat(r.key()).isEqualTo(e.getClientIp());
            ours.add(e);
          }
        }
        return closes(ours) >= expected;
      });
    }
    assertThat(closes(ours)).isEqualTo(expected);
    return ours;
  }

  private static long closes(List<TcpConnectionEvent> events) {
    return events.stream().filter(e -> e.getCloseKind() != CloseKind.OPEN).count();
  }

  private static void assertObservedTwice(List<TcpConnectionEvent> events, Traffic.Result r, long c2s, long s2c,
      CloseKind kind) {
    List<TcpConnectionEvent> all = events.stream().filter(e -> sameTuple(e, r)).toList();
    List<TcpConnectionEvent> twins = all.stream().filter(e -> e.getCloseKind() != CloseKind.OPEN).toList();
    assertThat(twins).extracting(TcpConnectionEvent::getObserver)
        .containsExactlyInAnyOrder(Observer.CLIENT, Observer.SERVER);
    for (Observer observer : Observer.values()) {
      // each socket's reports (if it spanned a report tick) and its close add up to the exact bytes
      List<TcpConnectionEvent> socket = all.stream().filter(e -> e.getObserver() == observer).toList();
      assertThat(socket.stream().mapToLong(TcpConnectionEvent::getBytesClientToServer).sum())
          .as("c2s of %s", socket).isEqualTo(c2s);
      assertThat(socket.stream().mapToLong(TcpConnectionEvent::getBytesServerToClient).sum())
          .as("s2c of %s", socket).isEqualTo(s2c);
    }
    for (TcpConnectionEvent e : twins) {
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
      last[0] = getOrNullWhileUnavailable("/nodegraph/connections?" + query);
      if (last[0] == null) {
        return false;
      }
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
    HttpResponse<String> response = send(pathAndQuery);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /**
   * For polls inside a wait: a 503 ("store unavailable, retry later", e.g. while a stream thread rebalances) is
   * "not yet" (null), as the API's Retry-After asks; any other non-200 fails at once.
   */
  private static JsonNode getOrNullWhileUnavailable(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = send(pathAndQuery);
    if (response.statusCode() == 503) {
      return null;
    }
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(String pathAndQuery) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.apiPort() + pathAndQuery))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
        "group.id", "it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
        new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
  }
}
