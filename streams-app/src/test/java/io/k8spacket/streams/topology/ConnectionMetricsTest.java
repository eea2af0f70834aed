package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.TopologyHarness.CONFIG;
import static io.k8spacket.streams.topology.TopologyHarness.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.Topics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The traffic metrics through the real topology: both sockets of a web → db connection report and close, and
 * the metrics count it once, with the bytes of every report and one duration.
 */
class ConnectionMetricsTest {
  private static final String DB = "10.0.0.2";
  private static final Tags WEB_TO_DB = Tags.of("client_namespace", "shop", "client_workload", "web",
      "server_namespace", "shop", "server_workload", "db");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyHarness harness;
  private TestInputTopic<String, TcpConnectionEvent> tcp;

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void a_connection_seen_by_both_sockets_counts_once_with_every_reported_byte_and_its_duration() {
    start(new Properties());
    for (Observer side : Observer.values()) {
      int openOffset = side == Observer.CLIENT ? 0 : 1;
      pipe(event(side, WEB, 40000, DB, 5432, T0 + openOffset, T0 + 15_000, 100, 1000, CloseKind.OPEN));
      pipe(event(side, WEB, 40000, DB, 5432, T0 + openOffset, T0 + 30_000, 200, 2000, CloseKind.OPEN));
      pipe(event(side, WEB, 40000, DB, 5432, T0 + openOffset, T0 + 42_500, 5, 50, CloseKind.NORMAL));
    }
    // a refused attempt: a connection, no duration
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 43_000, T0 + 43_001, 0, 0, CloseKind.NEVER_ESTABLISHED));

    assertThat(registry.get(ConnectionMetrics.CONNECTIONS).tags(WEB_TO_DB).counter().count()).isEqualTo(2);
    assertThat(registry.get(ConnectionMetrics.BYTES).tags(WEB_TO_DB).tag("direction", "client_to_server")
        .counter().count()).isEqualTo(305);
    assertThat(registry.get(ConnectionMetrics.BYTES).tags(WEB_TO_DB).tag("direction", "server_to_client")
        .counter().count()).isEqualTo(3050);
    HistogramSnapshot durations = registry.get(ConnectionMetrics.DURATION).tags(WEB_TO_DB).summary()
        .takeSnapshot();
    assertThat(durations.count()).isEqualTo(1);
    assertThat(durations.total()).isEqualTo(42.5);
    assertThat(Arrays.stream(durations.histogramCounts()).filter(b -> b.bucket() == 60).map(CountAtBucket::count))
        .containsExactly(1.0);
    assertThat(Arrays.stream(durations.histogramCounts()).filter(b -> b.bucket() == 10).map(CountAtBucket::count))
        .containsExactly(0.0);
  }

  @Test
  void pod_labels_add_the_pods_and_the_server_port_when_asked() {
    Properties extra = new Properties();
    extra.put(ConnectionMetrics.CONFIG, new ConnectionMetrics(registry, true));
    start(extra);

    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0, T0 + 1_000, 7, 8));

    assertThat(registry.get(ConnectionMetrics.CONNECTIONS).tags(WEB_TO_DB)
        .tags("client_pod", "web-1", "server_pod", "db-0", "server_port", "5432").counter().count()).isEqualTo(1);
  }

  private void start(Properties extra) {
    harness = TopologyHarness.start(ConnectionsTopology.buildTopology(CONFIG), registry, extra, DB, "db-0", "db");
    tcp = harness.input(Topics.TCP, TcpConnectionEvent.class);
  }

  private void pipe(TcpConnectionEvent e) {
    tcp.pipeInput(e.getClientIp(), e, 0L);
  }
}
