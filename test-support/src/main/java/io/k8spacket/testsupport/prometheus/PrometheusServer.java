package io.k8spacket.testsupport.prometheus;

import java.io.IOException;
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
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, {@code /usr/bin/prometheus}) scraping the given
 * targets every second, for tests that check metrics the way users read them: through PromQL. Its data and
 * configuration live under a directory the caller owns; {@link #close()} stops the process.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/prometheus");
  private static final Pattern SCALAR = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final int port;

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Prometheus scraping {@code /metrics} of each {@code host:port} target every second, with its files
   * under {@code dir}, and waits until it is ready.
   *
   * @throws IllegalStateException when the binary is missing (install the {@code prometheus} package) or it
   *     does not become ready in a minute
   */
  public static PrometheusServer start(Path dir, List<String> targets) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " missing: apt-get install prometheus");
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
        scrape_configs:
          - job_name: k8spacket
            static_configs:
              - targets: [%s]
        """.formatted(String.join(", ", targets.stream().map(t -> "'" + t + "'").toList())));
    int port = freePort();
    Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    PrometheusServer server = new PrometheusServer(process, port);
    try {
      Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
          .until(() -> !process.isAlive() || server.ready());
    } catch (ConditionTimeoutException e) {
      // reported below
    }
    if (!process.isAlive() || !server.ready()) {
      server.close();
      throw new IllegalStateException("prometheus did not become ready; see " + dir.resolve("prometheus.log"));
    }
    return server;
  }

  /** The value of an instant PromQL query with one result, empty when it has none (not scraped yet). */
  public OptionalDouble query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("query " + promql + " failed: " + response.statusCode() + " "
          + response.body());
    }
    Matcher m = SCALAR.matcher(response.body());
    if (!m.find()) {
      return OptionalDouble.empty();
    }
    double value = Double.parseDouble(m.group(1));
    if (m.find()) {
      throw new IllegalStateException("query " + promql + " has more than one result: " + response.body());
    }
    return OptionalDouble.of(value);
  }

  /** Port of its HTTP API on 127.0.0.1. */
  public int port() {
    return port;
  }

  private boolean ready() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
