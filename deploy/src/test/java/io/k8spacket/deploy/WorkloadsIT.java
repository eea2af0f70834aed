package io.k8spacket.deploy;

import static io.k8spacket.deploy.Rendered.container;
import static io.k8spacket.deploy.Rendered.env;
import static io.k8spacket.deploy.Rendered.envEntries;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.deploy.Rendered.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent DaemonSet, the streams StatefulSet and their Services, as rendered. */
class WorkloadsIT {
  /** Settings the chart sets that docs/config.md does not list yet (asked of the streams app, see deploy/README.md). */
  static final Set<String> PENDING_SETTINGS = Set.of("K8SPACKET_STREAMS_KAFKA_CONFIG_FILE");

  static Stream<List<String>> everyValuesSet() {
    Stream<List<String>> defaults = Stream.of(List.of());
    return Stream.concat(defaults, Helm.allCiValues().stream().map(p -> List.of("-f", p.toString())));
  }

  @Test
  void the_default_install_renders_every_kind_it_needs() {
    assertThat(Helm.template().kinds()).contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
        "RoleBinding", "ConfigMap", "Service", "StatefulSet", "PodDisruptionBudget", "DaemonSet", "KafkaTopic",
        "KafkaUser").doesNotContain("Secret", "PodMonitor", "ServiceMonitor", "NetworkPolicy", "Deployment");
  }

  @Test
  void the_agent_runs_on_every_node_in_the_host_network_with_bpf_perfmon_and_net_admin_only() {
    Manifest ds = Helm.template().only("DaemonSet");
    Map<String, Object> pod = ds.map("spec.template.spec");
    assertThat(pod.get("hostNetwork")).isEqualTo(true);
    assertThat(pod.get("dnsPolicy")).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);
    assertThat(ds.list("spec.template.spec.tolerations")).containsExactly(Map.of("operator", "Exists"));
    Map<String, Object> agent = container(ds, "agent");
    Object security = agent.get("securityContext");
    assertThat(Rendered.at(security, "capabilities.drop")).isEqualTo(List.of("ALL"));
    assertThat(Rendered.at(security, "capabilities.add")).asList().containsExactlyInAnyOrder("BPF", "PERFMON",
        "NET_ADMIN");
    assertThat(Rendered.at(security, "privileged")).isEqualTo(false);
    assertThat(Rendered.at(security, "allowPrivilegeEscalation")).isEqualTo(false);
    assertThat(Rendered.at(security, "readOnlyRootFilesystem")).isEqualTo(true);
  }

  @Test
  void the_agent_mounts_btf_read_only_bpffs_tracefs_and_a_writable_tmp() {
    Manifest ds = Helm.template().only("DaemonSet");
    Map<String, Object> agent = container(ds, "agent");
    Map<String, Map<String, Object>> mounts = byName(agent.get("volumeMounts"));
    Map<String, Map<String, Object>> volumes = byName(ds.at("spec.template.spec.volumes"));
    assertThat(mounts.get("btf")).containsEntry("mountPath", "/sys/kernel/btf").containsEntry("readOnly", true);
    assertThat(Rendered.at(volumes.get("btf"), "hostPath.path")).isEqualTo("/sys/kernel/btf");
    assertThat(mounts.get("bpffs")).containsEntry("mountPath", "/sys/fs/bpf");
    assertThat(Rendered.at(volumes.get("bpffs"), "hostPath.path")).isEqualTo("/sys/fs/bpf");
    assertThat(mounts.get("tracefs")).containsEntry("mountPath", "/sys/kernel/tracing");
    assertThat(Rendered.at(volumes.get("tracefs"), "hostPath.path")).isEqualTo("/sys/kernel/tracing");
    assertThat(mounts.get("tmp")).containsEntry("mountPath", "/tmp");
    assertThat(volumes.get("tmp")).containsKey("emptyDir");
    assertThat(volumes.keySet()).containsExactlyInAnyOrder("tmp", "btf", "bpffs", "tracefs", "kafka-client",
        "kafka-ca", "kafka-user");
    assertThat(volumes.values().stream().filter(v -> v.containsKey("hostPath")).map(v -> v.get("name")))
        .containsExactlyInAnyOrder("btf", "bpffs", "tracefs");
  }

  @Test
  void the_tracefs_path_follows_the_value_inside_and_outside_the_container() {
    Manifest ds = Helm.template("--set", "agent.tracefs.hostPath=/sys/kernel/debug/tracing").only("DaemonSet");
    assertThat(byName(container(ds, "agent").get("volumeMounts")).get("tracefs"))
        .containsEntry("mountPath", "/sys/kernel/debug/tracing");
    assertThat(Rendered.at(byName(ds.at("spec.template.spec.volumes")).get("tracefs"), "hostPath.path"))
        .isEqualTo("/sys/kernel/debug/tracing");
    Manifest without = Helm.template("--set", "agent.tracefs.enabled=false").only("DaemonSet");
    assertThat(byName(without.at("spec.template.spec.volumes"))).doesNotContainKey("tracefs");
  }

  @Test
  void the_agent_is_probed_on_healthz_and_told_its_node_bootstrap_and_config_file() {
    Map<String, Object> agent = container(Helm.template().only("DaemonSet"), "agent");
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertThat(Rendered.at(agent, probe + ".httpGet.path")).isEqualTo("/healthz");
      assertThat(Rendered.at(agent, probe + ".httpGet.port")).isEqualTo("metrics");
    }
    assertThat(Rendered.at(agent, "ports.0.containerPort")).isEqualTo(9400);
    assertThat(Rendered.at(agent, "ports.0.name")).isEqualTo("metrics");
    Map<String, Object> nodeName = envEntries(agent).stream()
        .filter(e -> "K8SPACKET_AGENT_NODE_NAME".equals(e.get("name"))).findFirst().orElseThrow();
    assertThat(Rendered.at(nodeName, "valueFrom.fieldRef.fieldPath")).isEqualTo("spec.nodeName");
    assertThat(env(agent, "K8SPACKET_AGENT_HTTP_PORT")).isEqualTo("9400");
    assertThat(env(agent, "K8SPACKET_AGENT_KAFKA_BOOTSTRAP")).isEqualTo("k8spacket-kafka-bootstrap.k8spacket.svc:9093");
    assertThat(env(agent, "K8SPACKET_AGENT_KAFKA_CONFIG_FILE")).isEqualTo("/etc/k8spacket/kafka/client/client.properties");
    assertThat(env(agent, "K8SPACKET_AGENT_TCP_TOPIC")).isEqualTo("k8spacket.tcp.v1");
    assertThat(env(agent, "K8SPACKET_AGENT_TLS_TOPIC")).isEqualTo("k8spacket.tls.v1");
    assertThat(Rendered.at(agent, "resources.requests")).isNotNull();
    assertThat(Rendered.at(agent, "resources.limits")).isNotNull();
  }

  @Test
  void extra_settings_are_added_but_never_replace_the_ones_the_chart_owns() {
    Map<String, Object> agent = container(
        Helm.template("-f", Helm.ciValues("network-policy-values.yaml").toString()).only("DaemonSet"), "agent");
    assertThat(env(agent, "K8SPACKET_AGENT_TLS_ACTIVE_FETCH")).isEqualTo("true");
    assertThat(envEntries(agent).stream().filter(e -> "K8SPACKET_AGENT_HTTP_PORT".equals(e.get("name"))))
        .singleElement().satisfies(e -> assertThat(e.get("value")).isEqualTo("9400"));
  }

  @ParameterizedTest
  @MethodSource("everyValuesSet")
  void no_container_anywhere_is_privileged_and_every_env_name_is_a_documented_setting(List<String> args)
      throws IOException {
    Set<String> documented = documentedSettings();
    for (Manifest m : Helm.template(args.toArray(String[]::new)).all()) {
      List<Map<String, Object>> containers = new ArrayList<>(m.list("spec.template.spec.containers"));
      containers.addAll(m.list("spec.template.spec.initContainers"));
      for (Map<String, Object> c : containers) {
        assertThat(Rendered.at(c, "securityContext.privileged")).as(m + " " + c.get("name")).isNotEqualTo(true);
        assertThat(Rendered.at(c, "securityContext.capabilities.drop")).as(m + " " + c.get("name"))
            .isEqualTo(List.of("ALL"));
        for (Map<String, Object> e : envEntries(c)) {
          String name = e.get("name").toString();
          if (name.startsWith("K8SPACKET_")) {
            assertThat(documented).as(m + " sets " + name + ", which docs/config.md does not list")
                .contains(name);
          }
        }
      }
      assertThat(m.at("spec.template.spec.hostPID")).as(m.toString()).isNotEqualTo(true);
    }
  }

  @Test
  void the_streams_app_keeps_its_state_on_a_volume_claim_and_names_its_peer_address() {
    Manifest sts = Helm.template().only("StatefulSet");
    assertThat(sts.string("spec.serviceName")).isEqualTo("k8spacket-streams-peers");
    assertThat(sts.list("spec.volumeClaimTemplates")).singleElement()
        .satisfies(v -> assertThat(Rendered.at(v, "metadata.name")).isEqualTo("state"))
        .satisfies(v -> assertThat(Rendered.at(v, "spec.resources.requests.storage")).isEqualTo("10Gi"));
    Map<String, Object> streams = container(sts, "streams");
    assertThat(env(streams, "K8SPACKET_STREAMS_STATE_DIR")).isEqualTo("/var/lib/k8spacket/streams-state");
    assertThat(byName(streams.get("volumeMounts")).get("state")).containsEntry("mountPath", "/var/lib/k8spacket");
    assertThat(env(streams, "K8SPACKET_STREAMS_APPLICATION_SERVER"))
        .isEqualTo("$(POD_NAME).k8spacket-streams-peers.$(POD_NAMESPACE).svc.cluster.local:8080");
    assertThat(env(streams, "K8SPACKET_API_PORT")).isEqualTo("8080");
    assertThat(env(streams, "K8SPACKET_STREAMS_METADATA_SOURCE")).isEqualTo("kubernetes");
    assertThat(env(streams, "K8SPACKET_STREAMS_LEASE_NAMESPACE")).isEqualTo(Helm.NAMESPACE);
    assertThat(env(streams, "K8SPACKET_STREAMS_LEASE_NAME")).isEqualTo("k8spacket-metadata-publisher");
    assertThat(env(streams, "K8SPACKET_STREAMS_APPLICATION_ID")).isEqualTo("k8spacket-streams");
    assertThat(env(streams, "K8SPACKET_STREAMS_KAFKA_CONFIG_FILE"))
        .isEqualTo("/etc/k8spacket/kafka/client/client.properties");
    List<String> envNames = envEntries(streams).stream().map(e -> e.get("name").toString()).toList();
    assertThat(envNames.indexOf("POD_NAME")).as("$(POD_NAME) needs POD_NAME defined before it")
        .isLessThan(envNames.indexOf("K8SPACKET_STREAMS_APPLICATION_SERVER"));
    assertThat(Rendered.at(streams, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(sts.at("spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(Rendered.at(streams, "readinessProbe.httpGet.path")).isEqualTo("/nodegraph/api/health");
  }

  @Test
  void standby_replicas_map_onto_the_streams_setting_and_the_disruption_budget_follows_the_instances() {
    Rendered r = Helm.template("-f", Helm.ciValues("mtls-values.yaml").toString());
    Manifest sts = r.only("StatefulSet");
    assertThat(sts.at("spec.replicas")).isEqualTo(3);
    assertThat(env(container(sts, "streams"), "K8SPACKET_STREAMS_NUM_STANDBY_REPLICAS")).isEqualTo("1");
    assertThat(sts.at("spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"))
        .isNotNull();
    Manifest pdb = r.only("PodDisruptionBudget");
    assertThat(pdb.at("spec.maxUnavailable")).isEqualTo(1);
    assertThat(pdb.map("spec.selector.matchLabels")).isEqualTo(sts.map("spec.selector.matchLabels"));
    assertThat(container(sts, "streams").get("image")).isEqualTo("registry.example.com/k8spacket/k8spacket-streams:0.1.0");
  }

  @Test
  void grafana_reads_a_cluster_ip_service_on_8080_and_peers_resolve_through_a_headless_one() {
    Rendered r = Helm.template();
    Manifest api = r.get("Service", "k8spacket");
    Manifest peers = r.get("Service", "k8spacket-streams-peers");
    Map<String, Object> podLabels = r.only("StatefulSet").map("spec.template.metadata.labels");
    for (Manifest svc : List.of(api, peers)) {
      assertThat(podLabels).containsAllEntriesOf(svc.map("spec.selector").entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
      assertThat(svc.at("spec.ports.0.port")).isEqualTo(8080);
      assertThat(svc.at("spec.ports.0.targetPort")).isEqualTo("http");
    }
    assertThat(api.string("spec.type")).isEqualTo("ClusterIP");
    assertThat(peers.string("spec.clusterIP")).isEqualTo("None");
    assertThat(peers.at("spec.publishNotReadyAddresses")).isEqualTo(true);
  }

  @Test
  void the_api_token_comes_from_a_mounted_secret_file() {
    Manifest sts = Helm.template("-f", Helm.ciValues("network-policy-values.yaml").toString()).only("StatefulSet");
    Map<String, Object> streams = container(sts, "streams");
    assertThat(env(streams, "K8SPACKET_API_TOKEN_FILE")).isEqualTo("/etc/k8spacket/api/token");
    assertThat(env(streams, "K8SPACKET_API_TOKEN")).isNull();
    assertThat(Rendered.at(byName(sts.at("spec.template.spec.volumes")).get("api-token"), "secret.secretName"))
        .isEqualTo("k8spacket-api-token");
  }

  /**
   * Every K8SPACKET_* variable named in docs/config.md or spelled out in a config class of the processes (docs/config.md
   * is regenerated from them, maybe later than a new setting lands), plus the ones asked for but not there yet.
   */
  static Set<String> documentedSettings() throws IOException {
    Set<String> names = new TreeSet<>(PENDING_SETTINGS);
    names.addAll(names(Files.readString(Helm.repo().resolve("docs/config.md")), "`(K8SPACKET_[A-Z0-9_]+)`"));
    for (String module : List.of("node-agent", "streams-app", "query-api")) {
      Path src = Helm.repo().resolve(module).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith("Config.java")).toList()) {
          names.addAll(names(Files.readString(f), "\"(K8SPACKET_[A-Z0-9_]+[A-Z0-9])\""));
        }
      }
    }
    return names;
  }

  private static Set<String> names(String text, String regex) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> byName(Object list) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Object o : (List<Object>) list) {
      Map<String, Object> m = (Map<String, Object>) o;
      out.put(m.get("name").toString(), m);
    }
    return out;
  }
}
