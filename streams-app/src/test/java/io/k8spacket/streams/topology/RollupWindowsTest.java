package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.TopologyHarness.CONFIG;
import static io.k8spacket.streams.topology.TopologyHarness.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.kstream.Windowed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rollup windows (1 hour by default) hold the same statistics as the 1-minute windows they cover: the same
 * counted connections, the same bytes, whole-period sums.
 */
class RollupWindowsTest {
  private static final String DB = "10.0.0.2";
  private static final String EDGE = "10.0.0.1|web-1|shop|web>10.0.0.2|db-0|shop|db";
  private static final long MIN = 60_000;
  private static final long HOUR = 60 * MIN;

  private TopologyHarness harness;
  private TestInputTopic<String, TcpConnectionEvent> tcp;

  @BeforeEach
  void start() {
    harness = TopologyHarness.start(ConnectionsTopology.buildTopology(CONFIG), new SimpleMeterRegistry(),
        new Properties(), DB, "db-0", "db");
    tcp = harness.input(Topics.TCP, TcpConnectionEvent.class);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void each_hour_sums_its_minutes_reports_and_closes_alike() {
    // T0 is 10:00: connections in 10:05, 10:59 and 11:30; a long-lived one reports in 10:40 and closes in 11:10
    // (in time order: a record later than the grace would miss its minute but still reach its open hour)
    pipe(event(Observer.CLIENT, WEB, 40000, DB, 5432, T0 + 5 * MIN, T0 + 5 * MIN + 500, 10, 100));
    pipe(event(Observer.CLIENT, WEB, 40002, DB, 5432, T0 + 30 * MIN, T0 + 40 * MIN, 1000, 1, CloseKind.OPEN));
    pipe(event(Observer.CLIENT, WEB, 40001, DB, 5432, T0 + 59 * MIN, T0 + 59 * MIN + 900, 20, 200));
    pipe(event(Observer.CLIENT, WEB, 40002, DB, 5432, T0 + 30 * MIN, T0 + 70 * MIN, 300, 3));
    pipe(event(Observer.CLIENT, WEB, 40003, DB, 5432, T0 + 90 * MIN, T0 + 90 * MIN + 100, 4, 40));

    List<KeyValue<Windowed<String>, EdgeStats>> hours = harness.windows(ConnectionsTopology.EDGE_ROLLUP_STORE);
    assertThat(hours).extracting(kv -> kv.key.key(), kv -> kv.key.window().start(), kv -> kv.key.window().end(),
            kv -> kv.value.getConnCount(), kv -> kv.value.getBytesClientToServer(),
            kv -> kv.value.getBytesServerToClient())
        .containsExactly(
            tuple(EDGE, T0, T0 + HOUR, 2L, 10L + 20 + 1000, 100L + 200 + 1),
            tuple(EDGE, T0 + HOUR, T0 + 2 * HOUR, 2L, 300L + 4, 3L + 40));
    // and they equal the minutes they cover
    for (KeyValue<Windowed<String>, EdgeStats> hour : hours) {
      List<EdgeStats> minutes = harness.edges().stream()
          .filter(m -> m.key.window().start() >= hour.key.window().start()
              && m.key.window().end() <= hour.key.window().end())
          .map(m -> m.value).toList();
      assertThat(minutes.stream().mapToLong(EdgeStats::getConnCount).sum()).isEqualTo(hour.value.getConnCount());
      assertThat(minutes.stream().mapToLong(EdgeStats::getBytesClientToServer).sum())
          .isEqualTo(hour.value.getBytesClientToServer());
      assertThat(minutes.stream().mapToLong(EdgeStats::getDurationMsSum).sum())
          .isEqualTo(hour.value.getDurationMsSum());
      assertThat(minutes.stream().mapToLong(EdgeStats::getMaxDurationMs).max().orElse(0))
          .isEqualTo(hour.value.getMaxDurationMs());
    }
  }

  private void pipe(TcpConnectionEvent e) {
    tcp.pipeInput(e.getClientIp(), e, 0L);
  }
}
