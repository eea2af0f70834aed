package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {
  @Test
  void docs_config_md_lists_exactly_what_the_config_classes_read() throws Exception {
    Path committed = Path.of("..", "docs", "config.md");
    assertThat(Files.readString(committed))
        .as("docs/config.md is stale: regenerate it with io.k8spacket.standalone.ConfigDocs (see its Javadoc)")
        .isEqualTo(ConfigDocs.markdown());
  }

  @Test
  void every_area_appears_with_its_variables() {
    String md = ConfigDocs.markdown();
    assertThat(md).contains("| `K8SPACKET_AGENT_KAFKA_BOOTSTRAP` | `127.0.0.1:9092` |")
        .contains("| `K8SPACKET_STREAMS_WINDOW_SIZE` | `1m` |")
        .contains("| `K8SPACKET_API_PORT` | `6676` |");
  }
}
