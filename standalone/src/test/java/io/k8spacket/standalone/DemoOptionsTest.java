package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {
  @Test
  void defaults_keep_the_demo_data_apart_from_up() {
    assertThat(DemoOptions.parse(List.of()))
        .isEqualTo(new DemoOptions(8080, 9092, Path.of(".k8spacket", "demo"), Duration.ofMinutes(3)));
  }

  @Test
  void every_option_is_read_and_up_runs_with_the_demo_metadata_file() {
    DemoOptions options = DemoOptions.parse(List.of("--http-port", "18080", "--kafka-port", "0", "--data-dir", "/tmp/d",
        "--handoff-after", "90s"));
    assertThat(options).isEqualTo(new DemoOptions(18080, 0, Path.of("/tmp/d"), Duration.ofSeconds(90)));
    assertThat(options.upOptions(Path.of("/tmp/d/m.yaml")))
        .isEqualTo(new UpOptions(Optional.of(Path.of("/tmp/d/m.yaml")), 18080, 0, Path.of("/tmp/d")));
  }

  @Test
  void bad_arguments_are_named() {
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--metadata", "m.yaml")))
        .hasMessage("demo writes its own metadata file; --metadata is for up");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--handoff-after", "soon")))
        .hasMessage("--handoff-after must be a duration like 90s, 10m or 2h, not 'soon'");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--handoff-after")))
        .hasMessage("--handoff-after needs a value");
    assertThatThrownBy(() -> DemoOptions.parse(List.of("--http-port", "x")))
        .hasMessage("--http-port must be a port number, not 'x'");
  }

  @Test
  void the_demo_captures_tls_on_its_pods_unless_interfaces_are_chosen() {
    assertThat(DemoRun.demoEnv(java.util.Map.of()).get("K8SPACKET_AGENT_TLS_INTERFACES"))
        .endsWith("|^k8spdemo-").startsWith("^(veth|");
    assertThat(DemoRun.demoEnv(java.util.Map.of("K8SPACKET_AGENT_TLS_INTERFACES", "^eth0$"))
        .get("K8SPACKET_AGENT_TLS_INTERFACES")).isEqualTo("^eth0$");
  }
}
