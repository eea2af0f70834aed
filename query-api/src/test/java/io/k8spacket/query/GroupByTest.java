package io.k8spacket.query;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.NODE_1;
import static io.k8spacket.query.Fixtures.WEB_SVC;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupByTest {
  @Test
  void ip_grouping_keys_by_ip_and_names_by_endpoint_name() {
    assertThat(GroupBy.IP.group(FE_1)).isEqualTo(
        new Group("10.0.0.1", "frontend-7d9f-a1", "shop", "10.0.0.1", "Deployment"));
  }

  @Test
  void pod_grouping_keys_by_namespace_and_pod() {
    assertThat(GroupBy.POD.group(FE_1)).isEqualTo(
        new Group("shop/frontend-7d9f-a1", "frontend-7d9f-a1", "shop", "shop", "Deployment"));
  }

  @Test
  void workload_grouping_keys_by_namespace_and_workload() {
    assertThat(GroupBy.WORKLOAD.group(FE_1)).isEqualTo(
        new Group("shop/frontend", "frontend", "shop", "shop", "Deployment"));
    assertThat(GroupBy.WORKLOAD.group(DNS)).isEqualTo(new Group("kube-system/coredns", "coredns", "kube-system",
        "kube-system", "Deployment"));
  }

  @Test
  void a_pod_without_workload_is_its_own_workload_of_kind_pod() {
    EndpointView bare = new EndpointView("10.0.5.5", "debug", "shop", null, null, "pod");
    assertThat(GroupBy.WORKLOAD.group(bare)).isEqualTo(new Group("shop/debug", "debug", "shop", "shop", "Pod"));
  }

  @Test
  void the_kind_is_the_workload_kind_of_a_pod_else_the_endpoint_kind() {
    EndpointView job = new EndpointView("10.0.5.6", "report-x1", "shop", "report", "CronJob", "pod");
    assertThat(GroupBy.POD.group(job).kind()).isEqualTo("CronJob");
    assertThat(GroupBy.IP.group(job).kind()).isEqualTo("CronJob");
    assertThat(GroupBy.IP.group(WEB_SVC).kind()).isEqualTo("Service");
    assertThat(GroupBy.IP.group(NODE_1).kind()).isEqualTo("Node");
    assertThat(GroupBy.NAMESPACE.group(job).kind()).isEqualTo("Namespace");
    assertThat(GroupBy.NAMESPACE.group(EXTERNAL).kind()).isEqualTo("Unknown");
  }

  @Test
  void namespace_grouping_keys_by_namespace() {
    assertThat(GroupBy.NAMESPACE.group(FE_1)).isEqualTo(new Group("shop", "shop", "shop", "shop", "Namespace"));
  }

  @Test
  void services_get_a_svc_prefix_so_they_never_merge_with_a_same_named_workload() {
    assertThat(GroupBy.WORKLOAD.group(WEB_SVC)).isEqualTo(new Group("shop/svc.web", "web", "shop", "shop", "Service"));
    assertThat(GroupBy.POD.group(WEB_SVC).key()).isEqualTo("shop/svc.web");
    assertThat(GroupBy.WORKLOAD.group(Fixtures.WEB_1).key()).isEqualTo("shop/web");
  }

  @Test
  void nodes_have_no_namespace_and_are_keyed_by_kind_and_name() {
    for (GroupBy g : new GroupBy[] {GroupBy.POD, GroupBy.WORKLOAD, GroupBy.NAMESPACE}) {
      assertThat(g.group(NODE_1)).isEqualTo(new Group("node.worker-1", "worker-1", null, "node", "Node"));
    }
  }

  @Test
  void unknown_endpoints_are_their_ip_in_every_grouping() {
    for (GroupBy g : GroupBy.values()) {
      assertThat(g.group(EXTERNAL)).isEqualTo(
          new Group("142.250.74.78", "142.250.74.78", null, "142.250.74.78", "Unknown"));
    }
  }

  @Test
  void service_grouping_groups_the_server_behind_a_service_as_the_service_and_everything_else_by_workload() {
    EdgeSample viaService = Fixtures.through(WEB_SVC, Fixtures.sample(0, FE_1, Fixtures.WEB_1, 1, 0, 1, 1, 1, 1));
    EdgeSample direct = Fixtures.sample(0, FE_1, Fixtures.WEB_1, 1, 0, 1, 1, 1, 1);

    assertThat(GroupBy.SERVICE.server(viaService)).isEqualTo(
        new Group("shop/svc.web", "web", "shop", "shop", "Service"));
    assertThat(GroupBy.SERVICE.server(direct)).isEqualTo(new Group("shop/web", "web", "shop", "shop", "Deployment"));
    assertThat(GroupBy.SERVICE.group(FE_1)).isEqualTo(
        new Group("shop/frontend", "frontend", "shop", "shop", "Deployment"));
    assertThat(GroupBy.WORKLOAD.server(viaService)).isEqualTo(
        new Group("shop/web", "web", "shop", "shop", "Deployment"));
    assertThat(GroupBy.service(WEB_SVC)).isEqualTo(new Group("shop/svc.web", "web", "shop", "shop", "Service"));
  }

  @Test
  void only_the_pod_and_workload_views_draw_the_service_hop() {
    assertThat(GroupBy.values()).filteredOn(GroupBy::drawsServiceHop).containsExactly(GroupBy.POD, GroupBy.WORKLOAD);
  }

  @Test
  void parse_accepts_exactly_the_five_wire_names() {
    assertThat(GroupBy.parse("ip")).contains(GroupBy.IP);
    assertThat(GroupBy.parse("pod")).contains(GroupBy.POD);
    assertThat(GroupBy.parse("workload")).contains(GroupBy.WORKLOAD);
    assertThat(GroupBy.parse("service")).contains(GroupBy.SERVICE);
    assertThat(GroupBy.parse("namespace")).contains(GroupBy.NAMESPACE);
    assertThat(GroupBy.parse("Workload")).isEmpty();
    assertThat(GroupBy.parse("deployment")).isEmpty();
  }
}
