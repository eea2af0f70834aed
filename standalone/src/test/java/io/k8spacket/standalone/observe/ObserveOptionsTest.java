package io.k8spacket.standalone.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObserveOptionsTest {
  @Test
  void defaults_follow_the_standalone_broker_from_now_as_text() {
    ObserveOptions options = ObserveOptions.parse(List.of());
    assertThat(options.bootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(options.since()).isEmpty();
    assertThat(options.format()).isEqualTo(ObserveOptions.Format.TEXT);
    assertThat(options.namespace()).isEmpty();
    assertThat(options.kafkaConfig()).isEmpty();
  }

  @Test
  void every_option_is_read() {
    ObserveOptions options = ObserveOptions.parse(List.of("--bootstrap", "kafka:9093", "--namespace", "shop",
        "--workload", "web|db", "--since", "10m", "--output", "json", "--kafka-config", "c.properties"));
    assertThat(options.bootstrap()).isEqualTo("kafka:9093");
    assertThat(options.namespace().orElseThrow().pattern()).isEqualTo("shop");
    assertThat(options.workload().orElseThrow().pattern()).isEqualTo("web|db");
    assertThat(options.since()).contains(Duration.ofMinutes(10));
    assertThat(options.format()).isEqualTo(ObserveOptions.Format.JSON);
    assertThat(options.kafkaConfig()).isEqualTo(Optional.of(Path.of("c.properties")));
  }

  @Test
  void bad_arguments_are_named() {
    assertThatThrownBy(() -> ObserveOptions.parse(List.of("--output", "yaml")))
        .hasMessage("--output must be text or json, not 'yaml'");
    assertThatThrownBy(() -> ObserveOptions.parse(List.of("--since", "yesterday")))
        .hasMessage("--since must be a duration like 90s, 10m or 2h, not 'yesterday'");
    assertThatThrownBy(() -> ObserveOptions.parse(List.of("--namespace", "(")))
        .hasMessageStartingWith("--namespace is not a regular expression");
    assertThatThrownBy(() -> ObserveOptions.parse(List.of("--follow", "x"))).hasMessage("unknown option '--follow'");
    assertThatThrownBy(() -> ObserveOptions.parse(List.of("--since"))).hasMessage("--since needs a value");
  }
}
