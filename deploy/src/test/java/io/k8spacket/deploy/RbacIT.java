package io.k8spacket.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.deploy.Rendered.Manifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streams app reads six resource kinds and holds one Lease; the agent has no API access at all. */
class RbacIT {
  @Test
  void the_cluster_role_is_get_list_watch_on_exactly_the_informers_resources() {
    Manifest role = Helm.template().only("ClusterRole");
    assertThat(role.list("rules")).containsExactlyInAnyOrder(
        rule(List.of(""), List.of("pods", "services", "nodes"), List.of("get", "list", "watch")),
        rule(List.of("discovery.k8s.io"), List.of("endpointslices"), List.of("get", "list", "watch")),
        rule(List.of("apps"), List.of("replicasets"), List.of("get", "list", "watch")),
        rule(List.of("batch"), List.of("jobs"), List.of("get", "list", "watch")));
  }

  @Test
  void the_lease_role_is_namespaced_and_limited_to_the_publishers_lease() {
    Rendered r = Helm.template();
    Manifest role = r.only("Role");
    assertThat(role.string("metadata.namespace")).isEqualTo(Helm.NAMESPACE);
    assertThat(role.list("rules")).containsExactlyInAnyOrder(
        rule(List.of("coordination.k8s.io"), List.of("leases"), List.of("create")),
        Map.of("apiGroups", List.of("coordination.k8s.io"), "resources", List.of("leases"),
            "resourceNames", List.of("k8spacket-metadata-publisher"), "verbs", List.of("get", "update", "patch")));
    assertThat(Rendered.env(Rendered.container(r.only("StatefulSet"), "streams"), "K8SPACKET_STREAMS_LEASE_NAME"))
        .isEqualTo("k8spacket-metadata-publisher");
  }

  @Test
  void both_roles_are_bound_to_the_streams_service_account_and_nothing_to_the_agent() {
    Rendered r = Helm.template();
    Map<String, Object> subject = Map.of("kind", "ServiceAccount", "name", "k8spacket-streams",
        "namespace", Helm.NAMESPACE);
    assertThat(r.only("ClusterRoleBinding").list("subjects")).containsExactly(subject);
    assertThat(r.only("RoleBinding").list("subjects")).containsExactly(subject);
    assertThat(r.only("ClusterRoleBinding").string("roleRef.name")).isEqualTo(r.only("ClusterRole").name());
    assertThat(r.only("RoleBinding").string("roleRef.name")).isEqualTo(r.only("Role").name());
    assertThat(r.only("StatefulSet").string("spec.template.spec.serviceAccountName")).isEqualTo("k8spacket-streams");
    Manifest agentSa = r.get("ServiceAccount", "k8spacket-agent");
    assertThat(agentSa.at("automountServiceAccountToken")).isEqualTo(false);
    assertThat(r.only("DaemonSet").string("spec.template.spec.serviceAccountName")).isEqualTo("k8spacket-agent");
  }

  @Test
  void without_the_kubernetes_metadata_source_there_is_no_rbac_at_all() {
    Rendered r = Helm.template("--set", "streams.metadataSource=none");
    assertThat(r.kinds()).doesNotContain("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    assertThat(r.only("StatefulSet").at("spec.template.spec.automountServiceAccountToken")).isEqualTo(false);
  }

  private static Map<String, Object> rule(List<String> groups, List<String> resources, List<String> verbs) {
    return Map.of("apiGroups", groups, "resources", resources, "verbs", verbs);
  }
}
