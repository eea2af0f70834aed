package io.k8spacket.query.nodegraph;

import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.nodegraph.GraphFixtures.COREDNS;
import static io.k8spacket.query.nodegraph.GraphFixtures.EXT;
import static io.k8spacket.query.nodegraph.GraphFixtures.FRONTEND;
import static io.k8spacket.query.nodegraph.GraphFixtures.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.EdgeQueryService;
import io.k8spacket.query.GroupBy;
import io.k8spacket.query.SampleFilter;
import io.k8spacket.query.TimeRange;
import io.k8spacket.query.nodegraph.NodeGraph.Edge;
import io.k8spacket.query.nodegraph.NodeGraph.Node;
import org.junit.jupiter.api.Test;

/** {@link GraphFixtures#scenario()} queried as [T0, T0+3min) = 180 s. */
class NodeGraphServiceTest {
  private final NodeGraphService service = new NodeGraphService(new EdgeQueryService(GraphFixtures.scenario()));

  private NodeGraph graph(StatsType type, GroupBy groupBy) {
    return service.graph(new EdgeQuery(new TimeRange(T0, T0 + 3 * MINUTE), SampleFilter.NONE, groupBy), type);
  }

  @Test
  void connection_mode_counts_incoming_connections_per_node() {
    NodeGraph g = graph(StatsType.CONNECTION, GroupBy.WORKLOAD);

    assertThat(g.nodes()).containsExactly(
        new Node(EXT, EXT, EXT, "all: 2", "persistent: 2", 1, 0, 0),
        new Node(COREDNS, "coredns", "kube-system", "all: 8", "persistent: 0", 0, 1, 0),
        new Node(FRONTEND, "frontend", "shop", "all: N/A", "persistent: N/A", 0, 0, 0),
        new Node(WEB, "web", "shop", "all: 4", "persistent: 1", 0.25, 0.75, 0));
    assertThat(g.edges()).containsExactly(
        new Edge("shop/frontend->142.250.74.78", FRONTEND, EXT, "all: 2", "persistent: 2"),
        new Edge("shop/frontend->shop/web", FRONTEND, WEB, "all: 4", "persistent: 1"),
        new Edge("shop/web->kube-system/coredns", WEB, COREDNS, "all: 8", "persistent: 0"));
  }

  @Test
  void bytes_mode_shows_rates_per_second_of_the_covered_range() {
    NodeGraph g = graph(StatsType.BYTES, GroupBy.WORKLOAD);

    assertThat(g.nodes()).containsExactly(
        new Node(EXT, EXT, EXT, "recv: 200.00B/s", "resp: 1.00KB/s", 36000.0 / 220320, 184320.0 / 220320, 0),
        new Node(COREDNS, "coredns", "kube-system", "recv: 8.00B/s", "resp: 16.00B/s", 1440.0 / 4320,
            2880.0 / 4320, 0),
        new Node(FRONTEND, "frontend", "shop", "recv: 1.10KB/s", "resp: 250.00B/s", 202320.0 / 247320,
            45000.0 / 247320, 0),
        new Node(WEB, "web", "shop", "recv: 66.00B/s", "resp: 108.00B/s", 11880.0 / 31320, 19440.0 / 31320, 0));
    assertThat(g.edges()).extracting(Edge::mainStat, Edge::secondaryStat).containsExactly(
        tuple("sent: 200.00B/s", "recv: 1.00KB/s"),
        tuple("sent: 50.00B/s", "recv: 100.00B/s"),
        tuple("sent: 8.00B/s", "recv: 16.00B/s"));
  }

  @Test
  void duration_mode_shows_average_and_maximum_as_go_durations() {
    NodeGraph g = graph(StatsType.DURATION, GroupBy.WORKLOAD);

    assertThat(g.nodes()).containsExactly(
        new Node(EXT, EXT, EXT, "avg: 15s", "max: 20s", 0.75, 0.25, 0),
        new Node(COREDNS, "coredns", "kube-system", "avg: 2ms", "max: 4ms", 0.5, 0.5, 0),
        new Node(FRONTEND, "frontend", "shop", "avg: N/A", "max: N/A", 0, 0, 0),
        new Node(WEB, "web", "shop", "avg: 18.75ms", "max: 40ms", 0.46875, 0.53125, 0));
    assertThat(g.edges()).extracting(Edge::mainStat, Edge::secondaryStat).containsExactly(
        tuple("avg: 15s", "max: 20s"),
        tuple("avg: 18.75ms", "max: 40ms"),
        tuple("avg: 2ms", "max: 4ms"));
  }

  @Test
  void ip_grouping_titles_nodes_by_pod_and_subtitles_them_by_ip() {
    NodeGraph g = graph(StatsType.CONNECTION, GroupBy.IP);

    assertThat(g.nodes()).extracting(Node::id, Node::title, Node::subTitle).contains(
        tuple("10.0.0.1", "frontend-7d9f-a1", "10.0.0.1"),
        tuple("10.0.1.1", "web-5c6b-x1", "10.0.1.1"));
    assertThat(g.nodes()).hasSize(5);
    assertThat(g.edges()).hasSize(4);
  }

  @Test
  void every_mode_and_grouping_keeps_the_node_graph_invariants() {
    for (StatsType type : StatsType.values()) {
      for (GroupBy groupBy : GroupBy.values()) {
        GraphFixtures.assertInvariants(graph(type, groupBy));
      }
    }
  }

  @Test
  void graph_for_an_empty_range_is_empty_not_null() {
    NodeGraph g = service.graph(new EdgeQuery(new TimeRange(T0 + 60 * MINUTE, T0 + 61 * MINUTE),
        SampleFilter.NONE, GroupBy.WORKLOAD), StatsType.BYTES);

    assertThat(g.nodes()).isEmpty();
    assertThat(g.edges()).isEmpty();
  }
}
