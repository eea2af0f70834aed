package io.k8spacket.standalone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.standalone.DemoOptions;
import io.k8spacket.standalone.DemoRun;
import io.k8spacket.standalone.observe.Observe;
import io.k8spacket.standalone.observe.ObserveOptions;
import io.k8spacket.standalone.page.Chromium;
import io.k8spacket.standalone.page.PageServer;
import io.k8spacket.testsupport.net.TestNetwork;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./k8spacket demo} as a person meets it: the whole stack with the simulated cluster and its traffic, the
 * built-in page in headless Chromium (graph, filter, node details, TLS table, certificate expiry list, with
 * screenshots in {@code target/}), and {@code observe} printing connections and handshakes made during the test,
 * as text and as JSON.
 */
class DemoIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path WORK = Path.of("target", "it-demo");
  /** Workload-level nodes and edges the demo's traffic makes within seconds. */
  private static final Set<String> NODES = Set.of("shop/frontend", "shop/api", "data/postgres", "data/redis",
      "batch/report", DemoCluster.EXTERNAL_IP);
  private static final Set<String> EDGES = Set.of("shop/frontend->shop/api",
      "shop/frontend->" + DemoCluster.EXTERNAL_IP, "shop/api->data/postgres", "shop/api->data/redis",
      "shop/api->" + DemoCluster.EXTERNAL_IP, "batch/report->data/postgres", "batch/report->data/redis");

  private static DemoRun demo;
  private static PageServer pageServer;
  private static String pageUrl;

  @BeforeAll
  static void startDemo() throws Exception {
    TestNetwork.assumeRoot("the demo makes network namespaces and loads eBPF programs");
    // progress reports every 5 s, so the long-lived connections show up soon; TLS capture on the demo's pods only
    demo = DemoRun.start(new DemoOptions(0, 0, WORK.resolve("data-" + UUID.randomUUID()), Duration.ofHours(1)),
        Map.of("K8SPACKET_AGENT_TLS_INTERFACES", "^" + DemoNetwork.PREFIX + "-",
            "K8SPACKET_AGENT_REPORT_INTERVAL_MS", "5000"), System.out);
    int apiPort = demo.stack().apiPort();
    if (get(apiPort, "/k8spacket.js").statusCode() == 200) {
      pageUrl = "http://127.0.0.1:" + apiPort + "/"; // the query API serves the page itself
    } else {
      pageServer = PageServer.start(apiPort); // until it does: the same files and WebJars, the same API behind
      pageUrl = "http://127.0.0.1:" + pageServer.port() + "/";
    }
    System.out.println("DemoIT: page at " + pageUrl + (pageServer == null ? " (query API)" : " (test page server)"));
  }

  @AfterAll
  static void stopDemo() {
    if (pageServer != null) {
      pageServer.close();
    }
    if (demo != null) {
      demo.close();
      assertThat(DemoNetwork.present()).as("nothing of the demo is left").isEmpty();
    }
  }

  @Test
  void the_page_draws_the_demo_graph_filters_it_and_lists_the_expiring_certificate() throws Exception {
    if (!Chromium.installed()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("needs chromium (apt-get install chromium); CI=true, so this fails instead of skipping");
      }
      Assumptions.abort("needs chromium (apt-get install chromium)");
    }
    awaitDemoDataInApi();
    try (Chromium browser = Chromium.start(WORK.resolve("chromium"), 1400, 1000)) {
      browser.navigate(pageUrl + "?range=15");
      try {
        checkPage(browser);
      } catch (AssertionError | RuntimeException e) {
        browser.screenshot(Path.of("target", "demo-page-failure.png"));
        System.out.println("DemoIT: page status '" + browser.evaluate("document.getElementById('status').innerText")
            + "', body:\n" + browser.evaluate("document.body.innerText").asText());
        throw e;
      }
    }
  }

  private static void checkPage(Chromium browser) throws Exception {
    {

      // 1. the graph shows the demo's workloads and who calls whom
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
          texts(browser.evaluate("k8spacket.cy ? k8spacket.cy.nodes().map(n => n.id()) : []")).containsAll(NODES));
      assertThat(texts(browser.evaluate("k8spacket.cy.edges().map(e => e.data('source') + '->' + e.data('target'))")))
          .containsAll(EDGES);
      assertThat(browser.evaluate("k8spacket.cy.$id('" + DemoCluster.EXTERNAL_IP + "').data('raw').title").asText())
          .isEqualTo(DemoCluster.EXPIRING_DOMAIN);
      assertThat(browser.evaluate("document.getElementById('status').className").asText()).isEmpty();

      // 2. clicking a node shows whom it calls
      browser.evaluate("k8spacket.cy.$id('shop/api').select().emit('tap'), true");
      await().atMost(Duration.ofSeconds(20)).until(() ->
          browser.evaluate("document.getElementById('details').innerText").asText().contains("Calls (as client)"));
      assertThat(browser.evaluate("document.getElementById('details').innerText").asText())
          .contains("api", "data/postgres", "data/redis", DemoCluster.EXPIRING_DOMAIN, "shop/frontend");

      // 3. the certificate list: the external site's chain, soonest expiry first, with who uses it
      await().atMost(Duration.ofSeconds(120)).until(() -> browser.evaluate(
          "document.querySelectorAll('#cert-table tbody tr[data-sha256]').length").asInt() >= 2);
      JsonNode certificates = browser.evaluate("[...document.querySelectorAll('#cert-table tbody tr')]"
          + ".map(r => [...r.cells].map(c => c.innerText))");
      JsonNode first = certificates.get(0);
      assertThat(first.get(2).asText()).isEqualTo(DemoCluster.EXPIRING_DOMAIN);
      assertThat(first.get(1).asInt()).isBetween(DemoCluster.EXPIRING_DAYS - 1, DemoCluster.EXPIRING_DAYS);
      assertThat(first.get(6).asText()).contains("shop/frontend");
      assertThat(browser.evaluate("document.querySelector('#cert-table tbody tr td.days-bad') !== null").asBoolean())
          .as("the soon-expiring certificate is marked").isTrue();
      assertThat(certificates.get(1).get(2).asText()).isEqualTo(DemoCluster.POSTGRES_DOMAIN);

      // 4. the TLS table: both versions, and a row's details with the chain as the client received it
      String tlsTable = browser.evaluate("document.getElementById('tls-table').innerText").asText();
      assertThat(tlsTable).contains("TLS 1.2", "TLS 1.3", DemoCluster.EXPIRING_DOMAIN, DemoCluster.POSTGRES_DOMAIN);
      browser.evaluate("[...document.querySelectorAll('#tls-table tbody tr')].find(r => r.innerText.includes('"
          + DemoCluster.POSTGRES_DOMAIN + "') && r.innerText.includes('TLS 1.2')).click(), true");
      await().atMost(Duration.ofSeconds(20)).until(() ->
          browser.evaluate("document.getElementById('tls-details').innerText").asText().contains("issuing CA"));
      browser.screenshot(Path.of("target", "demo-page.png"));

      // 5. a namespace filter keeps only edges with an end in namespace batch: the report job and its servers
      int refreshes = browser.evaluate("k8spacket.refreshes").asInt();
      browser.evaluate("document.getElementById('namespace').value = '^batch$';"
          + " document.getElementById('apply').click(); true");
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
          browser.evaluate("k8spacket.refreshes").asInt() > refreshes
              && !texts(browser.evaluate("k8spacket.cy.nodes().map(n => n.id())")).contains("shop/api"));
      assertThat(texts(browser.evaluate("k8spacket.cy.nodes().map(n => n.id())")))
          .containsExactlyInAnyOrder("batch/report", "data/postgres", "data/redis");
      assertThat(texts(browser.evaluate("k8spacket.cy.edges().map(e => e.data('source') + '->' + e.data('target'))")))
          .containsExactlyInAnyOrder("batch/report->data/postgres", "batch/report->data/redis");
      assertThat(browser.evaluate("location.search").asText()).contains("namespace=%5Ebatch%24");
      assertThat(browser.evaluate("document.getElementById('details').innerText").asText())
          .as("shop/api is filtered out, so are its details").contains("Click a node or an edge");
      browser.screenshot(Path.of("target", "demo-page-filtered.png"));
    }
  }

  @Test
  void observe_prints_a_text_line_for_each_connection_and_handshake_made_during_the_test() throws Exception {
    DemoPod frontend = demo.cluster().pod("fe");
    int plainPort = frontend.call(() -> exchange(demo.cluster().pod("redis").ipv4(), 6379, 1000, 5000));
    int tlsPort = frontend.call(this::postgresHandshake);

    String plain = "tcp shop/frontend-7d9f4-abcde 10.244.1.10:" + plainPort
        + " -> data/redis-0 10.244.2.20:6379 sent 1008 B received 5000 B ";
    String handshake = "tls shop/frontend-7d9f4-abcde 10.244.1.10:" + tlsPort + " -> data/postgres-0 10.244.2.10:5432"
        + " TLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 sni " + DemoCluster.POSTGRES_DOMAIN;
    String tlsConnection = "tcp shop/frontend-7d9f4-abcde 10.244.1.10:" + tlsPort
        + " -> data/postgres-0 10.244.2.10:5432 sent ";
    String open = "-> data/redis-0 10.244.2.20:6379 sent +";
    List<String> lines = observe(List.of("--since", "2m", "--namespace", "^shop$"),
        out -> out.contains(plain) && out.contains(handshake) && out.contains(tlsConnection) && out.contains(open));

    assertThat(lines).anySatisfy(l -> assertThat(l).contains(plain).matches("^\\S+Z tcp .* ms$"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains(handshake));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains(open).endsWith(" B open"));
    assertThat(lines).allSatisfy(l -> assertThat(l).contains("shop/"));
  }

  @Test
  void observe_prints_json_lines_and_reports_of_open_connections_as_open() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      // --since 2m: a progress report of the long-lived connection from before is enough (one comes every 15 s)
      Observe observe = Observe.connect(ObserveOptions.parse(List.of("--bootstrap", demo.stack().bootstrapServers(),
          "--output", "json", "--workload", "redis", "--since", "2m")), out);
      Future<?> running = runner.submit(() -> observe.run(() -> true));
      // made after observe started (from now on): it must still be printed
      int port = demo.cluster().pod("fe").call(() -> exchange(demo.cluster().pod("redis").ipv4(), 6379, 2000, 7000));
      List<JsonNode> seen = new ArrayList<>();
      try {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
          seen.clear();
          for (String line : buffer.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
              seen.add(JSON.readTree(line));
            }
          }
          return seen.stream().anyMatch(j -> j.path("client").path("port").asInt() == port)
              && seen.stream().anyMatch(j -> j.path("state").asText().equals("open"));
        });
      } finally {
        observe.wakeup();
        running.get(30, TimeUnit.SECONDS);
      }
      JsonNode ours = seen.stream().filter(j -> j.path("client").path("port").asInt() == port).findFirst().orElseThrow();
      assertThat(ours.get("type").asText()).isEqualTo("connection");
      assertThat(ours.get("state").asText()).isEqualTo("closed");
      assertThat(ours.get("closeKind").asText()).isEqualTo("NORMAL");
      assertThat(ours.get("bytesClientToServer").asLong()).isEqualTo(2008);
      assertThat(ours.get("bytesServerToClient").asLong()).isEqualTo(7000);
      assertThat(ours.get("durationMs").asDouble()).isPositive();
      assertThat(ours.get("client").get("ip").asText()).isEqualTo("10.244.1.10");
      assertThat(ours.get("client").get("namespace").asText()).isEqualTo("shop");
      assertThat(ours.get("client").get("workload").asText()).isEqualTo("frontend");
      assertThat(ours.get("server").get("name").asText()).isEqualTo("redis-0");
      assertThat(ours.get("server").get("port").asInt()).isEqualTo(6379);
      JsonNode open = seen.stream().filter(j -> j.path("state").asText().equals("open")).findFirst().orElseThrow();
      assertThat(open.get("closeKind").asText()).isEqualTo("OPEN");
      assertThat(open.get("durationMs").isNull()).isTrue();
      assertThat(open.get("server").get("workload").asText()).isEqualTo("redis");
      assertThat(seen).allSatisfy(j -> assertThat(j.toString()).contains("redis"));
    } finally {
      runner.shutdownNow();
    }
  }

  /** Runs observe with these options until {@code done} holds for its output; its lines. */
  private static List<String> observe(List<String> args, java.util.function.Predicate<String> done) {
    List<String> all = new ArrayList<>(List.of("--bootstrap", demo.stack().bootstrapServers()));
    all.addAll(args);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      Observe observe = Observe.connect(ObserveOptions.parse(all), out);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      observe.run(() -> !done.test(buffer.toString(StandardCharsets.UTF_8)) && System.nanoTime() < deadline);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertThat(done.test(output)).as("observe printed what was expected within 60 s:\n%s", output).isTrue();
    return output.lines().toList();
  }

  /** One connection from the calling pod thread: one exchange, then a normal close; the client's port. */
  private static int exchange(java.net.InetAddress server, int port, int request, int response) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(server, port), 5000);
      socket.setSoTimeout(20_000);
      Exchange.request(socket, request, response);
      return socket.getLocalPort();
    }
  }

  /** A TLS 1.2 handshake and one exchange with postgres from the calling pod thread; the client's port. */
  private int postgresHandshake() throws IOException {
    try (SSLSocket socket = (SSLSocket) demo.cluster().clientContext().getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(demo.cluster().pod("pg").ipv4(), 5432), 5000);
      socket.setSoTimeout(20_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(DemoCluster.POSTGRES_DOMAIN)));
      parameters.setProtocols(new String[] {"TLSv1.2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      Exchange.request(socket, 100, 200);
      return socket.getLocalPort();
    }
  }

  /** Waits until the API has the demo's workload graph and both certificates, so the page's first load has them. */
  private static void awaitDemoDataInApi() {
    int port = demo.stack().apiPort();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
      HttpResponse<String> graph = get(port, "/nodegraph/api/graph/data?from=" + (System.currentTimeMillis() - 600_000));
      HttpResponse<String> certificates = get(port, "/tlsparser/api/certificates");
      if (graph.statusCode() != 200 || certificates.statusCode() != 200) {
        return false;
      }
      List<String> edges = StreamSupport.stream(JSON.readTree(graph.body()).get("edges").spliterator(), false)
          .map(e -> e.get("source").asText() + "->" + e.get("target").asText()).toList();
      return edges.containsAll(EDGES) && certificates.body().contains(DemoCluster.EXPIRING_DOMAIN)
          && certificates.body().contains(DemoCluster.POSTGRES_DOMAIN);
    });
  }

  private static HttpResponse<String> get(int port, String pathAndQuery) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
