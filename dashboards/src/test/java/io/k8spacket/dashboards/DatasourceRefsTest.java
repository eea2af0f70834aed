package io.k8spacket.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Dashboards reference datasources by uid only, and every uid they use is provisioned, with the same plugin
 * type, by provisioning/datasources.yaml; the dashboard provider reads the folder the JSON files go to.
 */
class DatasourceRefsTest {
  private static final Map<String, String> EXPECTED_TYPES = Map.of(
      "k8spacket-prometheus", "prometheus",
      "k8spacket-nodegraph", "hamedkarbasi93-nodegraphapi-datasource",
      "k8spacket-infinity", "yesoreyeram-infinity-datasource");

  @Test
  void provisioning_declares_each_datasource_with_a_fixed_uid_and_its_plugin() {
    JsonNode file = Dashboards.read(Dashboards.DATASOURCES);
    assertThat(file.path("apiVersion").asInt()).isEqualTo(1);
    Map<String, JsonNode> datasources = Dashboards.datasources();
    assertThat(datasources).hasSize(file.path("datasources").size());
    EXPECTED_TYPES.forEach((uid, type) -> {
      assertThat(datasources).containsKey(uid);
      assertThat(datasources.get(uid).path("type").asString()).isEqualTo(type);
      assertThat(datasources.get(uid).path("name").asString()).isNotBlank();
    });
  }

  @Test
  void the_node_graph_api_url_is_in_json_data_and_infinity_has_a_base_url() {
    Map<String, JsonNode> datasources = Dashboards.datasources();
    // The plugin's proxy route reads {{ .JsonData.url }}; a top-level url is ignored (502 Bad Gateway).
    assertThat(datasources.get("k8spacket-nodegraph").path("jsonData").path("url").asString())
        .isEqualTo("http://k8spacket:8080/nodegraph");
    assertThat(datasources.get("k8spacket-nodegraph").has("url")).isFalse();
    // Infinity concatenates base + path: no trailing slash here.
    assertThat(datasources.get("k8spacket-infinity").path("url").asString()).isEqualTo("http://k8spacket:8080");
  }

  @Test
  void every_panel_target_and_variable_datasource_is_provisioned_with_its_type() {
    Map<String, JsonNode> datasources = Dashboards.datasources();
    List<String> problems = new ArrayList<>();
    int refs = 0;
    for (var entry : Dashboards.all().entrySet()) {
      List<Located> located = new ArrayList<>();
      for (JsonNode panel : Dashboards.panels(entry.getValue())) {
        String where = entry.getKey() + " panel '" + panel.path("title").asString() + "'";
        if (!panel.path("type").asString().equals("row")) {
          located.add(new Located(where, panel.path("datasource")));
        }
        for (JsonNode target : panel.path("targets")) {
          located.add(new Located(where + " target " + target.path("refId").asString(), target.path("datasource")));
        }
      }
      for (JsonNode variable : Dashboards.variables(entry.getValue())) {
        if (variable.has("datasource")) {
          located.add(new Located(entry.getKey() + " variable " + variable.path("name").asString(),
              variable.path("datasource")));
        }
      }
      for (Located ref : located) {
        refs++;
        JsonNode ds = ref.datasource();
        if (!ds.isObject()) {
          problems.add(ref.where() + ": datasource must be an object {type, uid}, was " + ds);
          continue;
        }
        JsonNode provisioned = datasources.get(ds.path("uid").asString());
        if (provisioned == null) {
          problems.add(ref.where() + ": uid '" + ds.path("uid").asString() + "' is not provisioned");
        } else if (!provisioned.path("type").asString().equals(ds.path("type").asString())) {
          problems.add(ref.where() + ": type " + ds.path("type") + " but the provisioned one is "
              + provisioned.path("type"));
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(refs).isGreaterThan(50);
  }

  @Test
  void the_dashboard_provider_reads_json_files_from_one_folder() {
    JsonNode providers = Dashboards.read(Dashboards.PROVIDERS);
    assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
    assertThat(providers.path("providers")).hasSize(1);
    JsonNode provider = providers.path("providers").get(0);
    assertThat(provider.path("type").asString()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asString()).startsWith("/");
  }

  private record Located(String where, JsonNode datasource) {}
}
