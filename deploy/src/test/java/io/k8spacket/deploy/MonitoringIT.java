package io.k8spacket.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.deploy.Rendered.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optional PodMonitor / ServiceMonitor and NetworkPolicy. */
class MonitoringIT {
  @Test
  void monitors_scrape_the_agents_on_9400_and_the_streams_api_service_on_8080() {
    Rendered r = Helm.template("-f", Helm.ciValues("monitors-values.yaml").toString());
    Manifest pod = r.only("PodMonitor");
    assertThat(pod.map("metadata.labels")).containsEntry("release", "kube-prometheus-stack");
    assertThat(pod.map("spec.selector.matchLabels")).isEqualTo(r.only("DaemonSet").map("spec.selector.matchLabels"));
    assertThat(pod.at("spec.podMetricsEndpoints.0.port")).isEqualTo("metrics");
    assertThat(pod.at("spec.podMetricsEndpoints.0.path")).isEqualTo("/metrics");
    assertThat(pod.at("spec.podMetricsEndpoints.0.interval")).isEqualTo("15s");
    assertThat(Rendered.container(r.only("DaemonSet"), "agent").get("ports"))
        .isEqualTo(List.of(Map.of("name", "metrics", "containerPort", 9400, "protocol", "TCP")));

    Manifest svc = r.only("ServiceMonitor");
    assertThat(svc.at("spec.endpoints.0.port")).isEqualTo("http");
    assertThat(svc.at("spec.endpoints.0.path")).isEqualTo("/metrics");
    Map<String, Object> selector = svc.map("spec.selector.matchLabels");
    List<Manifest> selected = r.ofKind("Service").stream()
        .filter(s -> s.map("metadata.labels").entrySet().containsAll(selector.entrySet())).toList();
    assertThat(selected).as("one Service per scrape target, not the headless one too").extracting(Manifest::name)
        .containsExactly("k8spacket");
    assertThat(selected.get(0).at("spec.ports.0.port")).isEqualTo(8080);
  }

  @Test
  void monitors_and_network_policy_are_off_by_default() {
    assertThat(Helm.template().kinds()).doesNotContain("PodMonitor", "ServiceMonitor", "NetworkPolicy");
  }

  @Test
  void the_network_policy_admits_only_peers_and_clients_on_the_api_port_and_restricts_egress_when_asked() {
    Rendered r = Helm.template("-f", Helm.ciValues("network-policy-values.yaml").toString());
    Manifest np = r.only("NetworkPolicy");
    assertThat(np.map("spec.podSelector.matchLabels")).isEqualTo(r.only("StatefulSet").map("spec.selector.matchLabels"));
    assertThat(np.list("spec.ingress")).singleElement().satisfies(rule -> {
      assertThat(Rendered.at(rule, "ports")).isEqualTo(List.of(Map.of("port", 8080, "protocol", "TCP")));
      assertThat(Rendered.at(rule, "from.0.podSelector.matchLabels"))
          .isEqualTo(r.only("StatefulSet").map("spec.selector.matchLabels"));
      assertThat((List<?>) Rendered.at(rule, "from")).hasSize(3);
    });
    assertThat(np.at("spec.policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
    List<Map<String, Object>> egress = np.list("spec.egress");
    assertThat(egress).anySatisfy(e -> assertThat(Rendered.at(e, "ports.0.port")).isEqualTo(53));
    assertThat(egress).anySatisfy(e -> {
      assertThat(Rendered.at(e, "ports.0.port")).isEqualTo(9093);
      assertThat(Rendered.at(e, "to.0.podSelector.matchLabels"))
          .isEqualTo(Map.of("strimzi.io/cluster", "k8spacket", "strimzi.io/broker-role", "true"));
    });
    assertThat(egress).anySatisfy(e -> assertThat(Rendered.at(e, "to.0.ipBlock.cidr")).isEqualTo("10.96.0.1/32"));
  }
}
