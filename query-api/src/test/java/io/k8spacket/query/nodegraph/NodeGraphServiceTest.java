package io.k8spacket.query.nodegraph;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.WEB_SVC;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.Fixtures.withPorts;
import static io.k8spacket.query.nodegraph.GraphFixtures.COREDNS;
import static io.k8spacket.query.nodegraph.GraphFixtures.EXT;
import static io.k8spacket.query.nodegraph.GraphFixtures.FRONTEND;
import static io.k8spacket.query.nodegraph.GraphFixtures.KUBE_DNS;
import static io.k8spacket.query.nodegraph.GraphFixtures.WEB;
import static io.k8spacket.query.nodegraph.GraphFixtures.WEB_SERVICE;
import static io.k8spacket.query.tls.TlsFixtures.AES128;
import static io.k8spacket.query.tls.TlsFixtures.ECDHE_RSA_AES256;
import static io.k8spacket.query.tls.TlsFixtures.TLS12;
import static io.k8spacket.query.tls.TlsFixtures.TLS13;
import static io.k8spacket.query.tls.TlsFixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.re2j.Pattern;
import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.EdgeQueryService;
import io.k8spacket.query.GroupBy;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.SampleFilter;
import io.k8spacket.query.TimeRange;
import io.k8spacket.query.nodegraph.NodeGraph.Edge;
import io.k8spacket.query.nodegraph.NodeGraph.Node;
import io.k8spacket.query.tls.InMemoryTlsReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GraphFixtures#scenario()} queried as [T0, T0+3min) = 180 s. */
class NodeGraphServiceTest {
  private final NodeGraphService service = new NodeGraphService(new EdgeQueryService(GraphFixtures.scenario()));

  private static final TimeRange RANGE = new TimeRange(T0, T0 + 3 * MINUTE);

  private NodeGraph graph(StatsType type, GroupBy groupBy) {
    return service.graph(new EdgeQuery(RANGE, SampleFilter.NONE, groupBy), type);
  }

  @Test
  void connection_mode_counts_incoming_connections_per_node() {
    NodeGraph g = graph(StatsType.CONNECTION, GroupBy.WORKLOAD);

    assertThat(g.nodes()).containsExactly(
        new Node(EXT, EXT, EXT, "all: 2", "persistent: 2", 1, 0, 0, null, "Unknown", null, "0%"),
        new Node(COREDNS, "coredns", "kube-system", "all: 8", "persistent: 0", 0, 1, 0, "kube-system", "Deployment",
            null, "0%"),
        new Node(FRONTEND, "frontend", "shop", "all: N/A", "persistent: N/A", 0, 0, 0, "shop", "Deployment", null,
            null),
        new Node(WEB, "web", "shop", "all: 4", "persistent: 1", 0.25, 0.75, 0, "shop", "Deployment", null, "0%"));
    assertThat(g.edges()).containsExactly(
        new Edge("shop/frontend->142.250.74.78", FRONTEND, EXT, "all: 2", "persistent: 2", null, null, "0%"),
        new Edge("shop/frontend->shop/web", FRONTEND, WEB, "all: 4", "persistent: 1", null, null, "0%"),
        new Edge("shop/web->kube-system/coredns", WEB, COREDNS, "all: 8", "persistent: 0", null, null, "0%"));
  }

  @Test
  void details_show_the_tls_share_and_ports_of_the_handshakes_of_the_same_range_and_groups() {
    InMemoryTlsReader tls = new InMemoryTlsReader().add(
        session(0, FE_1, WEB_1, 443, "web", TLS12, ECDHE_RSA_AES256, 2),
        session(1, FE_2, WEB_1, 8443, "web", TLS13, AES128, 1),
        session(2, FE_1, EXTERNAL, 443, "www.google.com", TLS13, AES128, 1),
        session(10, FE_2, WEB_1, 9443, "web", TLS13, AES128, 5)); // outside the range
    NodeGraphService withTls = new NodeGraphService(new EdgeQueryService(GraphFixtures.scenario()), tls);

    NodeGraph g = withTls.graph(new EdgeQuery(RANGE, SampleFilter.NONE, GroupBy.WORKLOAD), StatsType.CONNECTION);

    assertThat(g.nodes()).extracting(Node::id, Node::namespace, Node::kind, Node::ports, Node::tls).containsExactly(
        tuple(EXT, null, "Unknown", "443", "50%"),
        tuple(COREDNS, "kube-system", "Deployment", null, "0%"),
        tuple(FRONTEND, "shop", "Deployment", null, null),
        tuple(WEB, "shop", "Deployment", "443, 8443", "75%"));
    assertThat(g.edges()).extracting(Edge::id, Edge::service, Edge::ports, Edge::tls).containsExactly(
        tuple("shop/frontend->142.250.74.78", null, "443", "50%"),
        tuple("shop/frontend->shop/web", null, "443, 8443", "75%"),
        tuple("shop/web->kube-system/coredns", null, null, "0%"));
    GraphFixtures.assertInvariants(g);
  }

  @Test
  void ports_are_the_server_ports_of_all_connections_united_over_windows_and_groups_with_the_tls_ones() {
    InMemoryEdgeReader store = new InMemoryEdgeReader().add(
        withPorts(sample(0, FE_1, WEB_1, 3, 1, 6000, 12000, 60, 40), 8080),
        withPorts(sample(1, FE_2, WEB_1, 1, 0, 3000, 6000, 15, 15), 8080, 9090),
        withPorts(sample(1, WEB_1, DNS, 8, 0, 1440, 2880, 16, 4), 53),
        sample(2, FE_1, EXTERNAL, 2, 2, 36000, 184320, 30000, 20000)); // an earlier release's sample: no ports
    InMemoryTlsReader tls = new InMemoryTlsReader().add(session(1, FE_2, WEB_1, 8443, "web", TLS13, AES128, 1));

    NodeGraph g = new NodeGraphService(new EdgeQueryService(store), tls)
        .graph(new EdgeQuery(RANGE, SampleFilter.NONE, GroupBy.WORKLOAD), StatsType.CONNECTION);

    assertThat(g.edges()).extracting(Edge::id, Edge::ports).containsExactly(
        tuple("shop/frontend->142.250.74.78", null),
        tuple("shop/frontend->shop/web", "8080, 8443, 9090"),
        tuple("shop/web->kube-system/coredns", "53"));
    assertThat(g.nodes()).extracting(Node::id, Node::ports).containsExactly(
        tuple(EXT, null),
        tuple(COREDNS, "53"),
        tuple(FRONTEND, null),
        tuple(WEB, "8080, 8443, 9090"));
  }

  @Test
  void tls_details_apply_the_query_filters_to_the_handshakes_too() {
    InMemoryTlsReader tls = new InMemoryTlsReader().add(
        session(0, FE_1, WEB_1, 443, "web", TLS12, ECDHE_RSA_AES256, 3),
        session(1, FE_2, WEB_1, 8443, "web", TLS13, AES128, 1));
    NodeGraphService withTls = new NodeGraphService(new EdgeQueryService(GraphFixtures.scenario()), tls);
    SampleFilter onlyFe2 = new SampleFilter(null, Pattern.compile("frontend-7d9f-b2"), null);

    NodeGraph g = withTls.graph(new EdgeQuery(RANGE, onlyFe2, GroupBy.WORKLOAD), StatsType.CONNECTION);

    assertThat(g.edges()).extracting(Edge::id, Edge::mainStat, Edge::ports, Edge::tls)
        .containsExactly(tuple("shop/frontend->shop/web", "all: 1", "8443", "100%"));
  }

  @Test
  void tls_handshakes_to_a_service_or_its_backend_follow_the_connections_through_the_hop() {
    InMemoryTlsReader tls = new InMemoryTlsReader().add(
        session(0, FE_1, WEB_SVC, 443, "web", TLS13, AES128, 3),
        session(1, FE_1, WEB_1, 8443, "web", TLS13, AES128, 2));
    NodeGraphService withTls = new NodeGraphService(new EdgeQueryService(GraphFixtures.servicesScenario()), tls);

    NodeGraph workload = withTls.graph(new EdgeQuery(RANGE, SampleFilter.NONE, GroupBy.WORKLOAD),
        StatsType.CONNECTION);
    NodeGraph ip = withTls.graph(new EdgeQuery(RANGE, SampleFilter.NONE, GroupBy.IP), StatsType.CONNECTION);

    // (frontend, svc.web): 3 handshakes to the edge through the Service; (frontend, web): 2 shared 4:2 between
    // the edge through the Service (4 connections) and the direct one (2)
    assertThat(workload.edges()).extracting(Edge::id, Edge::service, Edge::ports, Edge::tls).containsExactly(
        tuple("shop/frontend->shop/svc.web", "shop/web", "443, 8443", "100%"),
        tuple("shop/frontend->shop/web", null, "8443", "33.3%"),
        tuple("shop/svc.web->shop/web", "shop/web", "443, 8443", "100%"),
        tuple("shop/web->kube-system/svc.kube-dns", "kube-system/kube-dns", null, "0%"));
    assertThat(workload.nodes()).extracting(Node::id, Node::kind, Node::ports, Node::tls).containsExactly(
        tuple(KUBE_DNS, "Service", null, "0%"),
        tuple(FRONTEND, "Deployment", null, null),
        tuple(WEB_SERVICE, "Service", "443, 8443", "100%"),
        tuple(WEB, "Deployment", "443, 8443", "83.3%"));
    assertThat(ip.edges()).extracting(Edge::id, Edge::service, Edge::tls).containsExactly(
        tuple("10.0.0.1->10.0.1.1", "shop/web", "100%"),
        tuple("10.0.0.2->10.0.1.1", "shop/web", "0%"),
        tuple("10.0.1.1->10.96.0.10", "kube-system/kube-dns", "0%"));
  }

  @Test
  void bytes_mode_shows_rates_per_second_of_the_covered_range() {
    NodeGraph g = graph(StatsType.BYTES, GroupBy.WORKLOAD);

    assertThat(withoutDetails(g.nodes())).containsExactly(
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

    assertThat(withoutDetails(g.nodes())).containsExactly(
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

  @Test
  void workload_view_draws_a_service_between_client_and_backend() {
    NodeGraph g = servicesGraph(StatsType.CONNECTION, GroupBy.WORKLOAD);

    assertThat(withoutDetails(g.nodes())).containsExactly(
        new Node(KUBE_DNS, "kube-dns", "kube-system", "all: 4", "persistent: 0", 0, 1, 0),
        new Node(FRONTEND, "frontend", "shop", "all: N/A", "persistent: N/A", 0, 0, 0),
        new Node(WEB_SERVICE, "web", "shop", "all: 4", "persistent: 1", 0.25, 0.75, 0),
        new Node(WEB, "web", "shop", "all: 6", "persistent: 1", 1.0 / 6, 5.0 / 6, 0));
    assertThat(withoutEdgeDetails(g.edges())).containsExactly(
        new Edge("shop/frontend->shop/svc.web", FRONTEND, WEB_SERVICE, "all: 4", "persistent: 1"),
        new Edge("shop/frontend->shop/web", FRONTEND, WEB, "all: 2", "persistent: 0"),
        new Edge("shop/svc.web->shop/web", WEB_SERVICE, WEB, "all: 4", "persistent: 1"),
        new Edge("shop/web->kube-system/svc.kube-dns", WEB, KUBE_DNS, "all: 4", "persistent: 0"));
  }

  @Test
  void a_service_node_counts_its_bytes_once_as_a_server() {
    NodeGraph g = servicesGraph(StatsType.BYTES, GroupBy.WORKLOAD);

    assertThat(withoutDetails(g.nodes())).filteredOn(n -> n.id().startsWith("shop/")).containsExactly(
        new Node(FRONTEND, "frontend", "shop", "recv: 10.67B/s", "resp: 5.33B/s", 1920.0 / 2880, 960.0 / 2880, 0),
        new Node(WEB_SERVICE, "web", "shop", "recv: 5.00B/s", "resp: 10.00B/s", 900.0 / 2700, 1800.0 / 2700, 0),
        new Node(WEB, "web", "shop", "recv: 5.78B/s", "resp: 10.89B/s", 1040.0 / 3000, 1960.0 / 3000, 0));
    assertThat(g.edges()).extracting(Edge::id, Edge::mainStat, Edge::secondaryStat).containsExactly(
        tuple("shop/frontend->shop/svc.web", "sent: 5.00B/s", "recv: 10.00B/s"),
        tuple("shop/frontend->shop/web", "sent: 0.33B/s", "recv: 0.67B/s"),
        tuple("shop/svc.web->shop/web", "sent: 5.00B/s", "recv: 10.00B/s"),
        tuple("shop/web->kube-system/svc.kube-dns", "sent: 0.22B/s", "recv: 0.44B/s"));
  }

  @Test
  void pod_view_draws_the_service_hop_to_the_backend_pod() {
    NodeGraph g = servicesGraph(StatsType.CONNECTION, GroupBy.POD);

    assertThat(g.edges()).extracting(Edge::id).containsExactly(
        "shop/frontend-7d9f-a1->shop/svc.web", "shop/frontend-7d9f-a1->shop/web-5c6b-x1",
        "shop/frontend-7d9f-b2->shop/svc.web", "shop/svc.web->shop/web-5c6b-x1",
        "shop/web-5c6b-x1->kube-system/svc.kube-dns");
    assertThat(g.edges()).filteredOn(e -> e.id().equals("shop/svc.web->shop/web-5c6b-x1"))
        .extracting(Edge::mainStat).containsExactly("all: 4");
  }

  @Test
  void service_view_ends_edges_through_a_service_at_the_service() {
    NodeGraph g = servicesGraph(StatsType.CONNECTION, GroupBy.SERVICE);

    assertThat(withoutDetails(g.nodes())).containsExactly(
        new Node(KUBE_DNS, "kube-dns", "kube-system", "all: 4", "persistent: 0", 0, 1, 0),
        new Node(FRONTEND, "frontend", "shop", "all: N/A", "persistent: N/A", 0, 0, 0),
        new Node(WEB_SERVICE, "web", "shop", "all: 4", "persistent: 1", 0.25, 0.75, 0),
        new Node(WEB, "web", "shop", "all: 2", "persistent: 0", 0, 1, 0));
    assertThat(withoutEdgeDetails(g.edges())).containsExactly(
        new Edge("shop/frontend->shop/svc.web", FRONTEND, WEB_SERVICE, "all: 4", "persistent: 1"),
        new Edge("shop/frontend->shop/web", FRONTEND, WEB, "all: 2", "persistent: 0"),
        new Edge("shop/web->kube-system/svc.kube-dns", WEB, KUBE_DNS, "all: 4", "persistent: 0"));
  }

  @Test
  void ip_and_namespace_views_draw_no_service_hop() {
    assertThat(servicesGraph(StatsType.CONNECTION, GroupBy.IP).edges()).extracting(Edge::id, Edge::mainStat)
        .containsExactly(tuple("10.0.0.1->10.0.1.1", "all: 5"), tuple("10.0.0.2->10.0.1.1", "all: 1"),
            tuple("10.0.1.1->10.96.0.10", "all: 4"));
    assertThat(servicesGraph(StatsType.CONNECTION, GroupBy.NAMESPACE).edges()).extracting(Edge::id, Edge::mainStat)
        .containsExactly(tuple("shop->kube-system", "all: 4"), tuple("shop->shop", "all: 6"));
  }

  @Test
  void every_mode_and_grouping_of_the_services_scenario_keeps_the_node_graph_invariants() {
    for (StatsType type : StatsType.values()) {
      for (GroupBy groupBy : GroupBy.values()) {
        GraphFixtures.assertInvariants(servicesGraph(type, groupBy));
      }
    }
  }

  private static NodeGraph servicesGraph(StatsType type, GroupBy groupBy) {
    return new NodeGraphService(new EdgeQueryService(GraphFixtures.servicesScenario())).graph(
        new EdgeQuery(new TimeRange(T0, T0 + 3 * MINUTE), SampleFilter.NONE, groupBy), type);
  }

  /** The nodes with their details nulled, for tests about stats only. */
  private static List<Node> withoutDetails(List<Node> nodes) {
    return nodes.stream().map(n -> new Node(n.id(), n.title(), n.subTitle(), n.mainStat(), n.secondaryStat(),
        n.arc1(), n.arc2(), n.arc3())).toList();
  }

  /** The edges with their details nulled, for tests about stats only. */
  private static List<Edge> withoutEdgeDetails(List<Edge> edges) {
    return edges.stream().map(e -> new Edge(e.id(), e.source(), e.target(), e.mainStat(), e.secondaryStat()))
        .toList();
  }
}
