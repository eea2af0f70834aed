package io.k8spacket.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.agent.tls.TlsAssemblerConfig;
import io.k8spacket.schema.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  @Test
  void defaults_apply_when_nothing_is_set() {
    AgentConfig c = AgentConfig.fromEnv(Map.of());

    assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(c.tcpTopic()).isEqualTo(Topics.TCP);
    assertThat(c.nodeName()).isNotBlank();
    assertThat(c.httpPort()).isEqualTo(9400);
    assertThat(c.reportIntervalMs()).isEqualTo(15000);
    assertThat(c.ringBytes()).isEqualTo(8 << 20);
    assertThat(c.pollIntervalMs()).isEqualTo(10);
    assertThat(c.pollBatch()).isEqualTo(4096);
    assertThat(c.ignoreLoopback()).isTrue();
    assertThat(c.producerBufferBytes()).isEqualTo(32L << 20);
    assertThat(c.producerMaxBlockMs()).isZero();
    assertThat(c.producerDeliveryTimeoutMs()).isEqualTo(600_000);
    assertThat(c.kafkaConfigFile()).isEmpty();
  }

  @Test
  void every_variable_is_read() {
    AgentConfig c = AgentConfig.fromEnv(Map.ofEntries(
        Map.entry("K8SPACKET_AGENT_KAFKA_BOOTSTRAP", "kafka:9093"),
        Map.entry("K8SPACKET_AGENT_TCP_TOPIC", "tcp.test"),
        Map.entry("K8SPACKET_AGENT_NODE_NAME", "node-7"),
        Map.entry("K8SPACKET_AGENT_HTTP_PORT", "0"),
        Map.entry("K8SPACKET_AGENT_REPORT_INTERVAL_MS", "1000"),
        Map.entry("K8SPACKET_AGENT_RING_BYTES", "65536"),
        Map.entry("K8SPACKET_AGENT_POLL_INTERVAL_MS", "5"),
        Map.entry("K8SPACKET_AGENT_POLL_BATCH", "16"),
        Map.entry("K8SPACKET_AGENT_IGNORE_LOOPBACK", "FALSE"),
        Map.entry("K8SPACKET_AGENT_PRODUCER_BUFFER_BYTES", "2097152"),
        Map.entry("K8SPACKET_AGENT_PRODUCER_MAX_BLOCK_MS", "20"),
        Map.entry("K8SPACKET_AGENT_PRODUCER_DELIVERY_TIMEOUT_MS", "120000"),
        Map.entry("K8SPACKET_AGENT_KAFKA_CONFIG_FILE", "/etc/k8spacket/kafka.properties"),
        Map.entry("K8SPACKET_AGENT_TLS_ENABLED", "false"),
        Map.entry("K8SPACKET_AGENT_TLS_TOPIC", "tls.test"),
        Map.entry("K8SPACKET_AGENT_TLS_INTERFACES", "^k8sp-t"),
        Map.entry("K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS", "250"),
        Map.entry("K8SPACKET_AGENT_TLS_ATTACH", "TC"),
        Map.entry("K8SPACKET_AGENT_TLS_RING_BYTES", "131072"),
        Map.entry("K8SPACKET_AGENT_TLS_KERNEL_FLOWS", "99"),
        Map.entry("K8SPACKET_AGENT_TLS_KERNEL_FLOW_BUDGET_BYTES", "4096"),
        Map.entry("K8SPACKET_AGENT_TLS_MAX_FLOWS", "7")));

    assertThat(c).isEqualTo(new AgentConfig("kafka:9093", "tcp.test", "node-7", 0, 1000, 65536, 5, 16, false,
        2097152, 20, 120000, Optional.of(Path.of("/etc/k8spacket/kafka.properties")), false, "tls.test", "^k8sp-t", 250,
        AgentConfig.TlsAttach.TC, 131072, 99, 4096,
        TlsAssemblerConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_MAX_FLOWS", "7"))));
    assertThat(c.tlsAssembly().maxFlows()).isEqualTo(7);
  }

  @Test
  void tls_defaults_follow_pod_veths_and_uplinks_and_choose_the_attach_mode_automatically() {
    AgentConfig c = AgentConfig.fromEnv(Map.of());

    assertThat(c.tlsEnabled()).isTrue();
    assertThat(c.tlsTopic()).isEqualTo(Topics.TLS);
    assertThat(c.tlsAttach()).isEqualTo(AgentConfig.TlsAttach.AUTO);
    assertThat(c.tlsRingBytes()).isEqualTo(4 << 20);
    assertThat(c.tlsInterfacePollMs()).isEqualTo(2000);
    assertThat(List.of("veth1a2b3c", "cali12ab", "lxc_health", "cilium_vxlan", "eth0", "ens5", "enp0s3", "bond0",
        "flannel.1", "cni0", "wg0", "gke3f"))
        .allMatch(name -> c.tlsInterfacePattern().matcher(name).find());
    assertThat(List.of("lo", "docker0", "ifb0", "k8sp-t60-i1", "br-1234", "kube-ipvs0"))
        .noneMatch(name -> c.tlsInterfacePattern().matcher(name).find());
  }

  @Test
  void bad_tls_values_name_the_variable() {
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_ATTACH", "ebpf")))
        .hasMessage("K8SPACKET_AGENT_TLS_ATTACH: 'ebpf' is not auto, tcx or tc");
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_INTERFACES", "(veth")))
        .hasMessageStartingWith("K8SPACKET_AGENT_TLS_INTERFACES: '(veth' is not a regular expression: ");
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS", "10")))
        .hasMessage("K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS: '10' is not in [100, 600000]");
  }

  @Test
  void bad_values_name_the_variable() {
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_HTTP_PORT", "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("K8SPACKET_AGENT_HTTP_PORT: 'http' is not an integer");
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_HTTP_PORT", "70000")))
        .hasMessage("K8SPACKET_AGENT_HTTP_PORT: '70000' is not in [0, 65535]");
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_RING_BYTES", "100000")))
        .hasMessage("K8SPACKET_AGENT_RING_BYTES: '100000' is not a power of two");
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_IGNORE_LOOPBACK", "yes")))
        .hasMessage("K8SPACKET_AGENT_IGNORE_LOOPBACK: 'yes' is not true or false");
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_POLL_INTERVAL_MS", "0")))
        .hasMessage("K8SPACKET_AGENT_POLL_INTERVAL_MS: '0' is not in [1, 10000]");
  }

  @Test
  void blank_values_take_the_default() {
    assertThat(AgentConfig.fromEnv(Map.of("K8SPACKET_AGENT_TCP_TOPIC", "  ")).tcpTopic()).isEqualTo(Topics.TCP);
  }

  @Test
  void settings_list_every_variable_with_default_and_doc() {
    assertThat(AgentConfig.settings()).extracting(Setting::name).containsExactly(
        "K8SPACKET_AGENT_KAFKA_BOOTSTRAP", "K8SPACKET_AGENT_TCP_TOPIC", "K8SPACKET_AGENT_NODE_NAME",
        "K8SPACKET_AGENT_HTTP_PORT", "K8SPACKET_AGENT_REPORT_INTERVAL_MS", "K8SPACKET_AGENT_RING_BYTES",
        "K8SPACKET_AGENT_POLL_INTERVAL_MS", "K8SPACKET_AGENT_POLL_BATCH", "K8SPACKET_AGENT_IGNORE_LOOPBACK",
        "K8SPACKET_AGENT_PRODUCER_BUFFER_BYTES", "K8SPACKET_AGENT_PRODUCER_MAX_BLOCK_MS",
        "K8SPACKET_AGENT_PRODUCER_DELIVERY_TIMEOUT_MS",
        "K8SPACKET_AGENT_KAFKA_CONFIG_FILE", "K8SPACKET_AGENT_TLS_ENABLED", "K8SPACKET_AGENT_TLS_TOPIC",
        "K8SPACKET_AGENT_TLS_INTERFACES", "K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS", "K8SPACKET_AGENT_TLS_ATTACH",
        "K8SPACKET_AGENT_TLS_RING_BYTES", "K8SPACKET_AGENT_TLS_KERNEL_FLOWS",
        "K8SPACKET_AGENT_TLS_KERNEL_FLOW_BUDGET_BYTES", "K8SPACKET_AGENT_TLS_MAX_DIRECTION_BYTES",
        "K8SPACKET_AGENT_TLS_MAX_TOTAL_BYTES", "K8SPACKET_AGENT_TLS_MAX_FLOWS",
        "K8SPACKET_AGENT_TLS_HANDSHAKE_TIMEOUT_MS", "K8SPACKET_AGENT_TLS_ACTIVE_FETCH",
        "K8SPACKET_AGENT_TLS_FETCH_PERIOD_S", "K8SPACKET_AGENT_TLS_FETCH_TIMEOUT_MS");
    assertThat(AgentConfig.settings()).allSatisfy(s -> assertThat(s.doc()).isNotBlank().doesNotContain("\n"));
    assertThat(AgentConfig.settings()).filteredOn(s -> s.name().endsWith("_RING_BYTES"))
        .extracting(Setting::defaultValue).containsExactly("8388608", "4194304");
  }
}
