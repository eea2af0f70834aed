package io.k8spacket.query;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import io.k8spacket.query.nodegraph.GraphFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeQueryServiceTest {
  private final InMemoryEdgeReader reader = new InMemoryEdgeReader();
  private final EdgeQueryService service = new EdgeQueryService(reader);

  private EdgeAggregate query(long from, long to, GroupBy groupBy) {
    return service.aggregate(new EdgeQuery(new TimeRange(from, to), SampleFilter.NONE, groupBy));
  }

  private static List<String> pairs(EdgeAggregate a) {
    return a.edges().stream().map(e -> e.src().key() + " > " + e.dst().key()).toList();
  }

  @Test
  void sums_one_pair_exactly_across_several_windows() {
    reader.add(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40),
        sample(1, FE_1, WEB_1, 1, 0, 100, 100, 10, 10),
        sample(2, FE_1, WEB_1, 5, 2, 7, 8, 1000, 900));

    EdgeAggregate a = query(T0, T0 + 3 * MINUTE, GroupBy.IP);

    assertThat(a.edges()).hasSize(1);
    assertThat(a.edges().get(0).totals())
        .isEqualTo(new EdgeTotals(9, 3, 407, 1008, 1070, 900, T0 + 2 * MINUTE + 30_000));
  }

  @Test
  void workload_grouping_merges_pods_of_one_workload() {
    reader.add(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40), sample(1, FE_2, WEB_1, 1, 0, 100, 100, 10, 10));

    EdgeAggregate a = query(T0, T0 + 2 * MINUTE, GroupBy.WORKLOAD);

    assertThat(a.edges()).containsExactly(new GroupedEdge(
        new Group("shop/frontend", "frontend", "shop", "shop", "Deployment"),
        new Group("shop/web", "web", "shop", "shop", "Deployment"),
        new EdgeTotals(4, 1, 400, 1000, 70, 40, T0 + MINUTE + 30_000)));
  }

  @Test
  void each_grouping_gives_its_own_keys() {
    reader.add(sample(0, FE_1, WEB_1, 1, 0, 1, 1, 1, 1), sample(0, FE_2, WEB_1, 1, 0, 1, 1, 1, 1),
        sample(0, WEB_1, DNS, 1, 0, 1, 1, 1, 1), sample(0, FE_1, EXTERNAL, 1, 0, 1, 1, 1, 1));
    long to = T0 + MINUTE;

    assertThat(pairs(query(T0, to, GroupBy.IP))).containsExactly("10.0.0.1 > 10.0.1.1",
        "10.0.0.1 > 142.250.74.78", "10.0.0.2 > 10.0.1.1", "10.0.1.1 > 10.0.9.9");
    assertThat(pairs(query(T0, to, GroupBy.POD))).containsExactly("shop/frontend-7d9f-a1 > 142.250.74.78",
        "shop/frontend-7d9f-a1 > shop/web-5c6b-x1", "shop/frontend-7d9f-b2 > shop/web-5c6b-x1",
        "shop/web-5c6b-x1 > kube-system/coredns-55cb-k2");
    assertThat(pairs(query(T0, to, GroupBy.WORKLOAD))).containsExactly("shop/frontend > 142.250.74.78",
        "shop/frontend > shop/web", "shop/web > kube-system/coredns");
    assertThat(pairs(query(T0, to, GroupBy.NAMESPACE))).containsExactly("shop > 142.250.74.78",
        "shop > kube-system", "shop > shop");
  }

  @Test
  void namespace_grouping_sums_traffic_inside_a_namespace_into_a_self_edge() {
    reader.add(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40), sample(0, FE_2, WEB_1, 1, 0, 100, 100, 10, 10));

    GroupedEdge only = query(T0, T0 + MINUTE, GroupBy.NAMESPACE).edges().get(0);

    assertThat(only.src()).isEqualTo(only.dst());
    assertThat(only.totals().connCount()).isEqualTo(4);
  }

  @Test
  void windows_outside_the_range_are_excluded() {
    reader.add(sample(0, FE_1, WEB_1, 1, 0, 0, 0, 0, 0), sample(1, FE_1, WEB_1, 10, 0, 0, 0, 0, 0),
        sample(2, FE_1, WEB_1, 100, 0, 0, 0, 0, 0));

    assertThat(query(T0 + MINUTE, T0 + 2 * MINUTE, GroupBy.IP).edges().get(0).totals().connCount()).isEqualTo(10);
  }

  @Test
  void windows_overlapping_the_range_edges_count_whole() {
    reader.add(sample(0, FE_1, WEB_1, 1, 0, 0, 0, 0, 0), sample(1, FE_1, WEB_1, 10, 0, 0, 0, 0, 0),
        sample(2, FE_1, WEB_1, 100, 0, 0, 0, 0, 0));

    EdgeAggregate a = query(T0 + 30_000, T0 + 90_000, GroupBy.IP);

    assertThat(a.edges().get(0).totals().connCount()).isEqualTo(11);
    assertThat(a.coveredFromMs()).isEqualTo(T0 + 30_000);
    assertThat(a.coveredToMs()).isEqualTo(T0 + 90_000);
  }

  @Test
  void samples_a_reader_returns_outside_the_range_are_ignored() {
    EdgeReader generous = (from, to) -> List.of(sample(0, FE_1, WEB_1, 1, 0, 0, 0, 0, 0),
        sample(5, FE_1, WEB_1, 100, 0, 0, 0, 0, 0));

    EdgeAggregate a = new EdgeQueryService(generous)
        .aggregate(new EdgeQuery(new TimeRange(T0, T0 + MINUTE), SampleFilter.NONE, GroupBy.IP));

    assertThat(a.edges().get(0).totals().connCount()).isEqualTo(1);
  }

  @Test
  void covered_range_is_the_query_range_clipped_to_the_windows_present() {
    reader.add(sample(2, FE_1, WEB_1, 1, 0, 0, 0, 0, 0), sample(4, FE_1, WEB_1, 1, 0, 0, 0, 0, 0));

    EdgeAggregate a = query(0, T0 + 60 * MINUTE, GroupBy.IP);

    assertThat(a.coveredFromMs()).isEqualTo(T0 + 2 * MINUTE);
    assertThat(a.coveredToMs()).isEqualTo(T0 + 5 * MINUTE);
    assertThat(a.coveredSeconds()).isEqualTo(180.0);
  }

  @Test
  void an_empty_store_gives_no_edges_and_no_covered_time() {
    EdgeAggregate a = query(T0, T0 + MINUTE, GroupBy.WORKLOAD);

    assertThat(a.edges()).isEmpty();
    assertThat(a.coveredSeconds()).isZero();
  }

  @Test
  void filters_apply_to_samples_before_grouping() {
    reader.add(sample(0, FE_1, WEB_1, 1, 0, 0, 0, 0, 0), sample(0, FE_2, WEB_1, 10, 0, 0, 0, 0, 0),
        sample(0, WEB_1, DNS, 100, 0, 0, 0, 0, 0));
    SampleFilter onlyFe2 = new SampleFilter(null, Pattern.compile("b2"), Pattern.compile("dns"));

    EdgeAggregate a = service.aggregate(
        new EdgeQuery(new TimeRange(T0, T0 + MINUTE), onlyFe2, GroupBy.WORKLOAD));

    assertThat(pairs(a)).containsExactly("shop/frontend > shop/web");
    assertThat(a.edges().get(0).totals().connCount()).isEqualTo(10);
  }

  @Test
  void a_reused_ip_is_named_after_its_latest_holder() {
    EndpointView before = Fixtures.pod("10.0.7.7", "shop", "old-pod", "old");
    EndpointView after = Fixtures.pod("10.0.7.7", "shop", "new-pod", "new");
    reader.add(sample(3, FE_1, after, 1, 0, 0, 0, 0, 0), sample(0, FE_1, before, 1, 0, 0, 0, 0, 0));

    GroupedEdge e = query(T0, T0 + 5 * MINUTE, GroupBy.IP).edges().get(0);

    assertThat(e.dst().name()).isEqualTo("new-pod");
    assertThat(e.totals().connCount()).isEqualTo(2);
  }

  @Test
  void store_unavailability_propagates() {
    reader.failWith(new StoreUnavailableException("rebalancing", null));

    assertThatThrownBy(() -> query(T0, T0 + MINUTE, GroupBy.IP)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void service_grouping_groups_servers_behind_a_service_as_the_service() {
    GraphFixtures.servicesScenario().edges(0, Long.MAX_VALUE).forEach(reader::add);
    Group frontend = new Group("shop/frontend", "frontend", "shop", "shop", "Deployment");
    Group web = new Group("shop/web", "web", "shop", "shop", "Deployment");
    Group webService = new Group("shop/svc.web", "web", "shop", "shop", "Service");
    Group kubeDns = new Group("kube-system/svc.kube-dns", "kube-dns", "kube-system", "kube-system", "Service");

    assertThat(query(T0, T0 + 3 * MINUTE, GroupBy.SERVICE).edges()).containsExactly(
        new GroupedEdge(frontend, webService, webService, new EdgeTotals(4, 1, 900, 1800, 75, 40,
            T0 + MINUTE + 30_000)),
        new GroupedEdge(frontend, web, new EdgeTotals(2, 0, 60, 120, 10, 6, T0 + MINUTE + 30_000)),
        new GroupedEdge(web, kubeDns, kubeDns, new EdgeTotals(4, 0, 40, 80, 8, 4, T0 + 2 * MINUTE + 30_000)));
  }

  @Test
  void edges_through_a_service_stay_apart_from_direct_ones_and_carry_the_service() {
    GraphFixtures.servicesScenario().edges(0, Long.MAX_VALUE).forEach(reader::add);
    Group frontend = new Group("shop/frontend", "frontend", "shop", "shop", "Deployment");
    Group web = new Group("shop/web", "web", "shop", "shop", "Deployment");
    Group webService = new Group("shop/svc.web", "web", "shop", "shop", "Service");
    Group kubeDns = new Group("kube-system/svc.kube-dns", "kube-dns", "kube-system", "kube-system", "Service");

    EdgeAggregate a = query(T0, T0 + 3 * MINUTE, GroupBy.WORKLOAD);

    assertThat(a.edges()).containsExactly(
        new GroupedEdge(frontend, web, new EdgeTotals(2, 0, 60, 120, 10, 6, T0 + MINUTE + 30_000)),
        new GroupedEdge(frontend, web, webService, new EdgeTotals(4, 1, 900, 1800, 75, 40, T0 + MINUTE + 30_000)),
        new GroupedEdge(web, kubeDns, kubeDns, new EdgeTotals(4, 0, 40, 80, 8, 4, T0 + 2 * MINUTE + 30_000)));
    assertThat(a.edges()).extracting(GroupedEdge::hasServiceHop).containsExactly(false, true, false);
  }
}
