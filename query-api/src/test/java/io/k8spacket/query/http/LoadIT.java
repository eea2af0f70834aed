package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.pod;
import static io.k8spacket.query.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 200 keep-alive connections on loopback for 60 s (system property {@code k8spacket.load.seconds}), each sending
 * a mix of valid and hostile requests: every answer has its expected status (no 5xx), every body is JSON, the
 * p99 latency is logged, and the server is healthy afterwards.
 */
class LoadIT {
  private static final Logger LOG = LoggerFactory.getLogger(LoadIT.class);
  static final int CONNECTIONS = 200;
  static final long SECONDS = Long.getLong("k8spacket.load.seconds", 60);
  static final String TOKEN = "load-test-token";
  static final String AUTH = "Authorization: Bearer " + TOKEN;
  static final String RANGE = "from=" + T0 + "&to=" + (T0 + 10 * MINUTE);
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();

  /** One kind of request: its request line, headers, and the status it must get. */
  record Kind(String name, String line, String header, int status, boolean closes) {
    static Kind of(String name, String target, boolean auth, int status) {
      return new Kind(name, "GET " + target + " HTTP/1.1", auth ? AUTH : "X-No-Auth: 1", status, false);
    }
  }

  static final List<Kind> MIX = List.of(
      Kind.of("graph", QueryApp.GRAPH_DATA + "?" + RANGE + "&stats-type=bytes", true, 200),
      Kind.of("graph-ns", QueryApp.GRAPH_DATA + "?" + RANGE + "&namespace=ns-1&group-by=pod", true, 200),
      Kind.of("connections", QueryApp.CONNECTIONS + "?" + RANGE + "&group-by=workload", true, 200),
      Kind.of("fields", QueryApp.GRAPH_FIELDS + "?stats-type=duration", true, 200),
      Kind.of("tls", QueryApp.TLS_DATA, true, 200),
      Kind.of("tls-details", QueryApp.TLS_DATA + "/" + TlsApiIT.WEB_ID, true, 200),
      Kind.of("certificates", QueryApp.TLS_CERTIFICATES + "?from=0", true, 200),
      Kind.of("health", QueryApp.HEALTH, false, 200),
      Kind.of("catastrophic-regex", QueryApp.CONNECTIONS + "?" + RANGE + "&include="
          + URLEncoder.encode("(a+)+$", StandardCharsets.UTF_8), true, 200),
      Kind.of("nested-regex", QueryApp.GRAPH_DATA + "?exclude="
          + URLEncoder.encode("(x+x+)+y", StandardCharsets.UTF_8), true, 200),
      Kind.of("no-token", QueryApp.CONNECTIONS, false, 401),
      new Kind("wrong-token", "GET " + QueryApp.GRAPH_DATA + " HTTP/1.1", "Authorization: Bearer nope", 401, false),
      Kind.of("bad-escape", QueryApp.CONNECTIONS + "?include=%zz", true, 400),
      Kind.of("bad-time", QueryApp.CONNECTIONS + "?from=-1", true, 400),
      Kind.of("huge-regex", QueryApp.CONNECTIONS + "?include="
          + URLEncoder.encode("(a{1000}){1000}", StandardCharsets.UTF_8), true, 400),
      Kind.of("long-value", QueryApp.GRAPH_DATA + "?include=" + "a".repeat(1500), true, 400),
      Kind.of("unknown-path", "/nodegraph/api/nothing", true, 404),
      Kind.of("unknown-id", QueryApp.TLS_DATA + "/bm9wZQ", true, 404),
      new Kind("post", "POST " + QueryApp.GRAPH_DATA + " HTTP/1.1", "Content-Length: 0", 405, false),
      new Kind("huge-uri", "GET " + QueryApp.CONNECTIONS + "?x=" + "u".repeat(10_000) + " HTTP/1.1", AUTH, 414,
          true));

  /** A keep-alive connection that reconnects after the server closes it. */
  static final class Connection implements AutoCloseable {
    private final int port;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    /** Requests sent on the current socket. */
    private int sent;
    /** What the previous answer on this connection looked like, and when it ended: for failure messages. */
    private String last = "none";
    private long lastNanos = System.nanoTime();

    Connection(int port) throws IOException {
      this.port = port;
      open();
    }

    /**
     * Sends and reads one exchange. Like any HTTP/1.1 client, a request on a reused connection that the server
     * closed before answering (EOF before the first byte) is sent again once on a new connection, and counted.
     */
    RawHttp.Response send(Kind kind, List<String> retries) throws IOException {
      if (kind.closes()) {
        return oneShot(kind);
      }
      RawHttp.Response r;
      try {
        r = exchange(kind);
      } catch (RawHttp.ClosedBeforeResponse e) {
        if (sent <= 1) {
          throw e;
        }
        retries.add(kind.name() + ": " + e.getMessage() + " " + (System.nanoTime() - lastNanos) / 1_000_000
            + " ms after " + last + " (request " + sent + " on the connection)");
        close();
        open();
        r = exchange(kind);
      }
      last = r.status() + " " + r.headers();
      lastNanos = System.nanoTime();
      if (r.header("Connection").map(v -> v.equalsIgnoreCase("close")).orElse(false)) {
        close();
        open();
      }
      return r;
    }

    private RawHttp.Response exchange(Kind kind) throws IOException {
      sent++;
      try {
        out.write((kind.line() + "\r\nHost: localhost\r\n" + kind.header() + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (SocketException closed) {
        throw new RawHttp.ClosedBeforeResponse();
      }
      return RawHttp.read(in, false);
    }

    /**
     * A request the server answers by closing (a request line over the limit) goes on its own connection, read
     * to the end before closing, so that no side resets a connection with unread data.
     */
    private RawHttp.Response oneShot(Kind kind) throws IOException {
      try (Socket once = new Socket("localhost", port)) {
        once.setSoTimeout(60_000);
        once.getOutputStream().write((kind.line() + "\r\nHost: localhost\r\n" + kind.header()
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        once.getOutputStream().flush();
        InputStream input = new BufferedInputStream(once.getInputStream());
        RawHttp.Response r = RawHttp.read(input, false);
        once.shutdownOutput();
        input.readAllBytes();
        return r;
      }
    }

    private void open() throws IOException {
      sent = 0;
      socket = new Socket("localhost", port);
      socket.setSoTimeout(60_000);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static InMemoryEdgeReader manySamples() {
    InMemoryEdgeReader edges = new InMemoryEdgeReader();
    for (int i = 0; i < 300; i++) {
      String ns = "ns-" + (i % 7);
      edges.add(sample(i % 10, pod("10.1." + (i / 250) + "." + (i % 250), ns, "app-" + i + "-x", "app-" + (i % 20)),
          WEB_1, i % 5 + 1, i % 2, 100L * i, 50L * i, i, i));
    }
    edges.add(sample(3, pod("10.2.0.1", "long", "a".repeat(2000), "a".repeat(2000)), WEB_1, 1, 0, 1, 1, 1, 1));
    return edges;
  }

  @Test
  void two_hundred_connections_for_a_minute_of_mixed_requests_get_only_expected_json_answers() throws Exception {
    QueryApiConfig config = QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN, TOKEN));
    Level before = LogManager.getLogger("io.k8spacket.query").getLevel();
    Configurator.setLevel("io.k8spacket.query", Level.INFO); // 400/401 lines are DEBUG: keep the output small
    try (ApiServer api = new ApiServer(manySamples(), TlsApiIT.TLS, config)) {
      NetworkConnectionLimit connections = api.app.jettyServer().server().getBean(NetworkConnectionLimit.class);
      ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
      CountDownLatch connected = new CountDownLatch(CONNECTIONS);
      Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      List<String> retries = new CopyOnWriteArrayList<>();
      AtomicInteger maxOpen = new AtomicInteger();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
      List<Future<long[]>> latencies = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        int offset = c;
        latencies.add(clients.submit(() -> run(api.port(), offset, deadline, connected, byKind, failures,
            retries)));
      }
      clients.shutdown();
      assertThat(connected.await(60, TimeUnit.SECONDS)).as("all clients connected").isTrue();
      long giveUp = deadline + TimeUnit.SECONDS.toNanos(120);
      while (!clients.awaitTermination(100, TimeUnit.MILLISECONDS)) {
        maxOpen.accumulateAndGet(connections.getNetworkConnectionCount(), Math::max);
        assertThat(System.nanoTime()).as("clients finished").isLessThan(giveUp);
      }

      long[] all = latencies.stream().map(LoadIT::join).flatMapToLong(Arrays::stream).sorted().toArray();
      LOG.info("load: {} connections for {} s, {} requests ({} per second), latency p50 {} ms, p99 {} ms, "
              + "max {} ms, peak open connections {}; requests by kind {}", CONNECTIONS, SECONDS, all.length,
          all.length / SECONDS, ms(all, 0.50), ms(all, 0.99), ms(all, 1.0), maxOpen.get(), byKind);
      LOG.info("load: mean ms by kind {}", new TreeMap<>(NANOS).entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue().sum() / byKind.get(e.getKey()).sum() / 1_000_000)
          .collect(Collectors.joining(", ")));

      LOG.info("load: {} requests sent again after the server closed a kept-alive connection{}", retries.size(),
          retries.isEmpty() ? "" : ", first: " + retries.subList(0, Math.min(3, retries.size())));

      assertThat(failures).as("unexpected answers").isEmpty();
      assertThat(retries.size()).as("connections closed under a request, at most 1 in 1000 requests")
          .isLessThanOrEqualTo(all.length / 1000);
      assertThat(maxOpen.get()).as("concurrent connections").isGreaterThanOrEqualTo(CONNECTIONS);
      assertThat(byKind.keySet()).hasSize(MIX.size());
      assertThat(ms(all, 0.99)).as("p99 ms, a generous bound for a shared 2-core machine").isLessThan(20_000.0);

      RawHttp.Response health = RawHttp.send(api.port(), "GET " + QueryApp.HEALTH + " HTTP/1.1");
      assertThat(health.status()).isEqualTo(200);
      RawHttp.Response data = RawHttp.send(api.port(), "GET " + QueryApp.CONNECTIONS + "?" + RANGE
          + "&group-by=namespace HTTP/1.1", AUTH);
      assertThat(data.status()).isEqualTo(200);
      assertThat(JSON.readTree(data.body())).hasSize(8);
      assertThat(RawHttp.send(api.port(), "GET " + QueryApp.METRICS + " HTTP/1.1").body())
          .doesNotContain("status=\"5");
    } finally {
      Configurator.setLevel("io.k8spacket.query", before);
    }
  }

  /** One client: its own connection, requests in a rotating order from {@code offset}; returns latencies in ns. */
  private static long[] run(int port, int offset, long deadline, CountDownLatch connected,
      Map<String, LongAdder> byKind, List<String> failures, List<String> retries) throws IOException {
    long[] latencies = new long[1024];
    int n = 0;
    String previous;
    try (Connection connection = new Connection(port)) {
      connected.countDown();
      for (int i = offset; System.nanoTime() < deadline && failures.size() < 20; i++) {
        previous = i == offset ? "none" : MIX.get((i - 1) % MIX.size()).name();
        Kind kind = MIX.get(i % MIX.size());
        long start = System.nanoTime();
        RawHttp.Response r;
        try {
          r = connection.send(kind, retries);
        } catch (IOException | RuntimeException e) {
          failures.add(kind.name() + " after " + previous + ": " + e + " [request " + connection.sent
              + " on its connection, " + connection.last + "]");
          break;
        }
        if (n == latencies.length) {
          latencies = Arrays.copyOf(latencies, n * 2);
        }
        latencies[n++] = System.nanoTime() - start;
        byKind.computeIfAbsent(kind.name(), k -> new LongAdder()).increment();
        NANOS.computeIfAbsent(kind.name(), k -> new LongAdder()).add(latencies[n - 1]);
        check(kind, r, failures);
      }
    }
    return Arrays.copyOf(latencies, n);
  }

  private static void check(Kind kind, RawHttp.Response r, List<String> failures) {
    if (r.status() != kind.status()) {
      failures.add(kind.name() + ": status " + r.status() + " " + r.body());
      return;
    }
    if (!r.header("Content-Type").orElse("").startsWith("application/json")) {
      failures.add(kind.name() + ": content type " + r.header("Content-Type"));
      return;
    }
    try {
      JSON.readTree(r.body());
    } catch (IOException e) {
      failures.add(kind.name() + ": not JSON " + r.body());
    }
  }

  private static long[] join(Future<long[]> f) {
    try {
      return f.get();
    } catch (Exception e) {
      throw new AssertionError("client failed", e);
    }
  }

  private static double ms(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return Math.round(sorted[Math.max(0, index)] / 10_000.0) / 100.0;
  }
}
