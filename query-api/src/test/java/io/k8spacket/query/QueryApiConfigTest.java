package io.k8spacket.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryApiConfigTest {
  @Test
  void defaults_apply_when_nothing_is_set() {
    assertThat(QueryApiConfig.fromMap(Map.of())).isEqualTo(new QueryApiConfig(6676, 60_000, 1000, 5));
  }

  @Test
  void values_come_from_the_environment_names() {
    QueryApiConfig c = QueryApiConfig.fromMap(Map.of("K8SPACKET_API_PORT", "8080", "K8SPACKET_API_WINDOW_MS",
        "3600000", "K8SPACKET_API_MAX_PARAM_LENGTH", "200", "K8SPACKET_API_RETRY_AFTER_SECONDS", " 2 "));
    assertThat(c).isEqualTo(new QueryApiConfig(8080, 3_600_000, 200, 2));
  }

  @Test
  void a_bad_value_names_the_variable() {
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_WINDOW_MS", "1m")))
        .hasMessageContaining("K8SPACKET_API_WINDOW_MS");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_PORT", "70000")))
        .hasMessageContaining("K8SPACKET_API_PORT");
    assertThatThrownBy(() -> QueryApiConfig.fromMap(Map.of("K8SPACKET_API_MAX_PARAM_LENGTH", "99999999999")))
        .hasMessageContaining("K8SPACKET_API_MAX_PARAM_LENGTH");
  }

  @Test
  void settings_list_every_variable_with_a_default_and_a_doc() {
    assertThat(QueryApiConfig.settings()).extracting(QueryApiConfig.Setting::name).containsExactly(
        "K8SPACKET_API_PORT", "K8SPACKET_API_WINDOW_MS", "K8SPACKET_API_MAX_PARAM_LENGTH",
        "K8SPACKET_API_RETRY_AFTER_SECONDS");
    assertThat(QueryApiConfig.settings()).allSatisfy(s -> {
      assertThat(s.defaultValue()).isNotBlank();
      assertThat(s.doc()).isNotBlank();
    });
  }
}
