package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusReporterTest {
  @Test
  void the_line_has_rates_since_the_previous_line_drops_edges_and_the_streams_state() throws Exception {
    Map<String, Double> metrics = new HashMap<>(Map.of("k8spacket.agent.events.read", 100.0,
        "k8spacket.agent.tls.handshakes", 10.0, "k8spacket.agent.kernel.drops", 2.0,
        "k8spacket.agent.send.failures", 1.0));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Gauge.builder("k8spacket.streams.state", () -> 0).tag("state", "REBALANCING").register(registry);
    Gauge.builder("k8spacket.streams.state", () -> 1).tag("state", "RUNNING").register(registry);
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    try (StatusReporter status = new StatusReporter(name -> {
      Double value = metrics.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no meter " + name); // as AgentMetrics.value: TLS ring not bound
      }
      return value;
    }, registry, closedPort, new PrintStream(new ByteArrayOutputStream()), Duration.ofHours(1))) {
      metrics.put("k8spacket.agent.events.read", 100.0 + 1e9);
      String line = status.line();
      assertThat(line).startsWith("status   ").matches("status   \\d\\d:\\d\\d:\\d\\d  \\d+\\.\\d events/s, .*")
          .contains(" 0.0 TLS handshakes/s, drops 3, ? edges in the last minute, streams RUNNING");
    }
  }
}
