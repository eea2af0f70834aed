package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.agent.Setting;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsAssemblerConfigTest {

  @Test
  void defaults_are_the_documented_ones() {
    TlsAssemblerConfig config = TlsAssemblerConfig.defaults();

    assertThat(config.maxDirectionBytes()).isEqualTo(65536);
    assertThat(config.maxTotalBytes()).isEqualTo(32L << 20);
    assertThat(config.maxFlows()).isEqualTo(20000);
    assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.activeFetch()).isFalse();
    assertThat(config.fetchPeriod()).isEqualTo(Duration.ofHours(1));
    assertThat(config.fetchTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void every_setting_is_read_from_its_variable() {
    TlsAssemblerConfig config = TlsAssemblerConfig.fromEnv(Map.of(
        "K8SPACKET_AGENT_TLS_MAX_DIRECTION_BYTES", "32768",
        "K8SPACKET_AGENT_TLS_MAX_TOTAL_BYTES", "1048576",
        "K8SPACKET_AGENT_TLS_MAX_FLOWS", "100",
        "K8SPACKET_AGENT_TLS_HANDSHAKE_TIMEOUT_MS", "2500",
        "K8SPACKET_AGENT_TLS_ACTIVE_FETCH", "TRUE",
        "K8SPACKET_AGENT_TLS_FETCH_PERIOD_S", "60",
        "K8SPACKET_AGENT_TLS_FETCH_TIMEOUT_MS", " 500 "));

    assertThat(config).isEqualTo(new TlsAssemblerConfig(32768, 1 << 20, 100, Duration.ofMillis(2500), true,
        Duration.ofSeconds(60), Duration.ofMillis(500)));
  }

  @Test
  void a_bad_value_names_the_variable() {
    assertThatThrownBy(() -> TlsAssemblerConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_MAX_FLOWS", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("K8SPACKET_AGENT_TLS_MAX_FLOWS").hasMessageContaining("not an integer");
    assertThatThrownBy(() -> TlsAssemblerConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_ACTIVE_FETCH", "yes")))
        .hasMessageContaining("K8SPACKET_AGENT_TLS_ACTIVE_FETCH");
    assertThatThrownBy(() -> TlsAssemblerConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_HANDSHAKE_TIMEOUT_MS", "0")))
        .hasMessageContaining("K8SPACKET_AGENT_TLS_HANDSHAKE_TIMEOUT_MS").hasMessageContaining("not in");
  }

  @Test
  void the_total_must_hold_at_least_one_connection() {
    assertThatThrownBy(() -> TlsAssemblerConfig.fromEnv(Map.of("K8SPACKET_AGENT_TLS_MAX_TOTAL_BYTES", "100000")))
        .hasMessageContaining("K8SPACKET_AGENT_TLS_MAX_TOTAL_BYTES")
        .hasMessageContaining("K8SPACKET_AGENT_TLS_MAX_DIRECTION_BYTES");
  }

  @Test
  void settings_list_every_variable_with_default_and_doc() {
    assertThat(TlsAssemblerConfig.settings()).extracting(Setting::name).containsExactly(
        "K8SPACKET_AGENT_TLS_MAX_DIRECTION_BYTES", "K8SPACKET_AGENT_TLS_MAX_TOTAL_BYTES",
        "K8SPACKET_AGENT_TLS_MAX_FLOWS", "K8SPACKET_AGENT_TLS_HANDSHAKE_TIMEOUT_MS",
        "K8SPACKET_AGENT_TLS_ACTIVE_FETCH", "K8SPACKET_AGENT_TLS_FETCH_PERIOD_S",
        "K8SPACKET_AGENT_TLS_FETCH_TIMEOUT_MS");
    assertThat(TlsAssemblerConfig.settings()).allSatisfy(setting -> {
      assertThat(setting.defaultValue()).isNotBlank();
      assertThat(setting.doc()).isNotBlank();
    });
  }
}
