package io.k8spacket.query.nodegraph;

import static io.k8spacket.query.nodegraph.StatsType.BYTES;
import static io.k8spacket.query.nodegraph.StatsType.CONNECTION;
import static io.k8spacket.query.nodegraph.StatsType.DURATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.query.EdgeTotals;
import org.junit.jupiter.api.Test;

class StatsTest {
  private static EdgeTotals conns(long count, long persistent) {
    return new EdgeTotals(count, persistent, 0, 0, 0, 0, 0);
  }

  private static EdgeTotals bytes(long sent, long received) {
    return new EdgeTotals(0, 0, sent, received, 0, 0, 0);
  }

  private static EdgeTotals durations(long count, long sumMs, long maxMs) {
    return new EdgeTotals(count, 0, 0, 0, sumMs, maxMs, 0);
  }

  @Test
  void connection_node_shows_counts_and_persistent_share() {
    assertThat(Stats.node(CONNECTION, conns(12, 3), 60)).isEqualTo(new Stats("all: 12", "persistent: 3", 0.25, 0.75));
  }

  @Test
  void connection_node_without_incoming_connections_is_na_with_zero_arcs() {
    assertThat(Stats.node(CONNECTION, conns(0, 0), 60)).isEqualTo(new Stats("all: N/A", "persistent: N/A", 0, 0));
  }

  @Test
  void connection_edge_always_shows_counts_even_zero() {
    assertThat(Stats.edge(CONNECTION, conns(0, 0), 60)).isEqualTo(new Stats("all: 0", "persistent: 0", 0, 0));
    assertThat(Stats.edge(CONNECTION, conns(42, 3), 60)).isEqualTo(new Stats("all: 42", "persistent: 3", 0, 0));
  }

  @Test
  void bytes_node_shows_rates_per_second_of_the_range_and_received_share_first() {
    assertThat(Stats.node(BYTES, bytes(6000, 18000), 60))
        .isEqualTo(new Stats("recv: 300.00B/s", "resp: 100.00B/s", 0.75, 0.25));
  }

  @Test
  void bytes_edge_shows_sent_then_received_rate() {
    assertThat(Stats.edge(BYTES, bytes(92160, 12000), 60))
        .isEqualTo(new Stats("sent: 1.50KB/s", "recv: 200.00B/s", 0, 0));
  }

  @Test
  void bytes_in_one_direction_only_show_a_zero_rate_for_the_other() {
    assertThat(Stats.edge(BYTES, bytes(600, 0), 60)).isEqualTo(new Stats("sent: 10.00B/s", "recv: 0.00B/s", 0, 0));
    assertThat(Stats.node(BYTES, bytes(0, 600), 60)).isEqualTo(new Stats("recv: 10.00B/s", "resp: 0.00B/s", 1, 0));
  }

  @Test
  void bytes_without_bytes_or_without_covered_time_are_na() {
    assertThat(Stats.node(BYTES, bytes(0, 0), 60)).isEqualTo(new Stats("recv: N/A", "resp: N/A", 0, 0));
    assertThat(Stats.edge(BYTES, bytes(0, 0), 60)).isEqualTo(new Stats("sent: N/A", "recv: N/A", 0, 0));
    assertThat(Stats.edge(BYTES, bytes(10, 10), 0)).isEqualTo(new Stats("sent: N/A", "recv: N/A", 0, 0));
  }

  @Test
  void duration_node_shows_go_durations_and_avg_over_max_arcs() {
    assertThat(Stats.node(DURATION, durations(2, 100, 200), 60))
        .isEqualTo(new Stats("avg: 50ms", "max: 200ms", 0.25, 0.75));
    assertThat(Stats.node(DURATION, durations(1, 90_000, 90_000), 60))
        .isEqualTo(new Stats("avg: 1m30s", "max: 1m30s", 1, 0));
  }

  @Test
  void duration_average_keeps_sub_millisecond_precision_truncated_to_nanoseconds() {
    assertThat(Stats.edge(DURATION, durations(3, 1000, 500), 60))
        .isEqualTo(new Stats("avg: 333.333333ms", "max: 500ms", 0, 0));
  }

  @Test
  void durations_below_one_millisecond_show_the_floor() {
    assertThat(Stats.node(DURATION, durations(4, 0, 0), 60))
        .isEqualTo(new Stats("avg: <0.001s", "max: <0.001s", 0, 0));
    assertThat(Stats.edge(DURATION, durations(4, 2, 1), 60))
        .isEqualTo(new Stats("avg: <0.001s", "max: 1ms", 0, 0));
  }

  @Test
  void duration_without_connections_is_na() {
    assertThat(Stats.node(DURATION, durations(0, 0, 0), 60)).isEqualTo(new Stats("avg: N/A", "max: N/A", 0, 0));
    assertThat(Stats.edge(DURATION, durations(0, 0, 0), 60)).isEqualTo(new Stats("avg: N/A", "max: N/A", 0, 0));
  }

  @Test
  void unknown_stats_type_values_mean_connection() {
    assertThat(StatsType.parse(null)).isEqualTo(CONNECTION);
    assertThat(StatsType.parse("")).isEqualTo(CONNECTION);
    assertThat(StatsType.parse("Bytes")).isEqualTo(CONNECTION);
    assertThat(StatsType.parse("bytes")).isEqualTo(BYTES);
    assertThat(StatsType.parse("duration")).isEqualTo(DURATION);
  }
}
