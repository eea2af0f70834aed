package io.k8spacket.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.agent.NodeAgent;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The one-line summary {@code up} and {@code demo} print every minute: events read per second since the previous
 * line, TLS handshakes per second, events dropped so far (kernel ring full, producer unable to deliver), the
 * edges of the last minute as the API answers them, and the streams state. A part that cannot be read shows
 * {@code ?}; the summary never stops the stack.
 */
final class StatusReporter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final List<String> DROPS = List.of("k8spacket.agent.kernel.drops",
      "k8spacket.agent.tls.kernel.drops", "k8spacket.agent.send.failures");

  private final ToDoubleFunction<String> agentMetric;
  private final MeterRegistry registry;
  private final int apiPort;
  private final PrintStream out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "k8spacket-status");
    thread.setDaemon(true);
    return thread;
  });
  private double lastEvents;
  private double lastHandshakes;
  private long lastNanos = System.nanoTime();

  StatusReporter(NodeAgent agent, MeterRegistry registry, int apiPort, PrintStream out, Duration interval) {
    this(name -> agent.metrics().value(name), registry, apiPort, out, interval);
  }

  StatusReporter(ToDoubleFunction<String> agentMetric, MeterRegistry registry, int apiPort, PrintStream out,
      Duration interval) {
    this.agentMetric = agentMetric;
    this.registry = registry;
    this.apiPort = apiPort;
    this.out = out;
    this.lastEvents = metric("k8spacket.agent.events.read");
    this.lastHandshakes = metric("k8spacket.agent.tls.handshakes");
    timer.scheduleAtFixedRate(() -> out.println(line()), interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The summary now, e.g. {@code status   14:03:00  12.3 events/s, 0.4 TLS handshakes/s, drops 0, 9 edges …}. */
  synchronized String line() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
    double events = metric("k8spacket.agent.events.read");
    double handshakes = metric("k8spacket.agent.tls.handshakes");
    double drops = DROPS.stream().mapToDouble(this::metric).filter(v -> !Double.isNaN(v)).sum();
    String line = StartupProgress.label("status") + LocalTime.now().format(CLOCK) + "  "
        + rate(events - lastEvents, seconds) + " events/s, " + rate(handshakes - lastHandshakes, seconds)
        + " TLS handshakes/s, drops " + String.format(Locale.ROOT, "%.0f", drops) + ", " + edges()
        + " edges in the last minute, streams " + streamsState(registry);
    lastNanos = now;
    lastEvents = events;
    lastHandshakes = handshakes;
    return line;
  }

  /** The Kafka Streams client state from {@code k8spacket_streams_state} (the gauge at 1), or "?". */
  static String streamsState(MeterRegistry registry) {
    return registry.find("k8spacket.streams.state").gauges().stream().filter(g -> g.value() == 1)
        .map(g -> g.getId().getTag("state")).findFirst().orElse("?");
  }

  private double metric(String name) {
    try {
      return agentMetric.applyAsDouble(name);
    } catch (RuntimeException e) {
      return Double.NaN; // not bound (e.g. TLS capture off)
    }
  }

  private static String rate(double delta, double seconds) {
    return Double.isNaN(delta) ? "?" : String.format(Locale.ROOT, "%.1f", delta / seconds);
  }

  /** Edges of the node graph over the last minute, by asking the API as Grafana would; "?" when it cannot. */
  private String edges() {
    long now = System.currentTimeMillis();
    URI uri = URI.create("http://127.0.0.1:" + apiPort + "/nodegraph/api/graph/data?from=" + (now - 60_000)
        + "&to=" + now);
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return "?";
      }
      JsonNode edges = JSON.readTree(response.body()).path("edges");
      return String.valueOf(edges.size());
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
