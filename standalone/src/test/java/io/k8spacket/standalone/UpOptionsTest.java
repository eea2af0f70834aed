package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpOptionsTest {
  @Test
  void defaults_when_no_options() {
    assertThat(UpOptions.parse(List.of()))
        .isEqualTo(new UpOptions(Optional.empty(), 8080, 9092, Path.of(".k8spacket")));
  }

  @Test
  void every_option_is_read() {
    assertThat(UpOptions.parse(List.of("--metadata", "m.yaml", "--http-port", "18080", "--kafka-port", "19092",
        "--data-dir", "/tmp/k")))
        .isEqualTo(new UpOptions(Optional.of(Path.of("m.yaml")), 18080, 19092, Path.of("/tmp/k")));
  }

  @Test
  void bad_arguments_are_named() {
    assertThatThrownBy(() -> UpOptions.parse(List.of("--http-port", "eighty")))
        .hasMessage("--http-port must be a port number, not 'eighty'");
    assertThatThrownBy(() -> UpOptions.parse(List.of("--kafka-port", "70000")))
        .hasMessage("--kafka-port must be between 0 and 65535, not 70000");
    assertThatThrownBy(() -> UpOptions.parse(List.of("--colour", "red")))
        .hasMessage("unknown option '--colour'");
    assertThatThrownBy(() -> UpOptions.parse(List.of("--metadata")))
        .hasMessage("--metadata needs a value");
  }
}
