package io.k8spacket.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every variable a query uses is defined by the dashboard or is a Grafana global, regex textboxes reach the Node
 * Graph API percent-encoded, the time range reaches the API, and no JSONata function name in an Infinity root
 * selector can be mistaken for a dashboard variable (Grafana interpolates root selectors too).
 */
class VariableReferencesTest {
  @Test
  void queries_use_only_defined_variables_and_grafana_globals() {
    int texts = 0;
    for (var entry : Dashboards.all().entrySet()) {
      Set<String> defined = defined(entry.getValue());
      for (Dashboards.Text text : Dashboards.queryTexts(entry.getValue())) {
        texts++;
        for (String name : GrafanaVariables.references(text.text())) {
          assertThat(defined.contains(name) || GrafanaVariables.GLOBALS.contains(name))
              .as(entry.getKey() + " " + text.where() + ": $" + name + " in " + text.text()).isTrue();
        }
      }
    }
    assertThat(texts).isGreaterThan(60);
  }

  @Test
  void jsonata_functions_in_root_selectors_are_not_dashboard_variables() {
    Dashboards.all().forEach((file, dashboard) -> {
      Set<String> defined = defined(dashboard);
      for (Dashboards.Target t : Dashboards.targets(dashboard)) {
        for (String name : GrafanaVariables.references(t.target().path("root_selector").asString())) {
          assertThat(defined).as(file + " " + t.where() + " $" + name).doesNotContain(name);
          assertThat(name).doesNotStartWith("__");
        }
      }
    });
  }

  @Test
  void node_graph_queries_send_the_time_range_and_encode_the_regex_textboxes() {
    JsonNode dashboard = Dashboards.all().get("k8spacket-node-graph.json");
    List<String> queryTexts = new ArrayList<>();
    for (Dashboards.Target t : Dashboards.targets(dashboard)) {
      if (t.target().has("queryText")) {
        queryTexts.add(t.target().path("queryText").asString());
      }
    }
    assertThat(queryTexts).isNotEmpty().allSatisfy(q -> assertThat(q)
        .contains("from=${__from}", "to=${__to}", "${namespace:percentencode}", "${include:percentencode}",
            "${exclude:percentencode}", "stats-type=", "group-by="));
  }

  @Test
  void every_api_query_sends_the_time_range_except_the_details_by_id() {
    Dashboards.all().forEach((file, dashboard) -> {
      for (Dashboards.Target t : Dashboards.targets(dashboard)) {
        if (t.type().equals("yesoreyeram-infinity-datasource")
            && !t.target().path("url").asString().contains("${id}")) {
          Map<String, String> params = InfinityQuery.of(t.target()).params();
          assertThat(params).as(file + " " + t.where()).containsEntry("from", "${__from}")
              .containsEntry("to", "${__to}");
        }
      }
    });
  }

  @Test
  void variables_have_unique_names_that_grafana_can_reference() {
    Dashboards.all().forEach((file, dashboard) -> {
      Set<String> names = new HashSet<>();
      for (JsonNode v : Dashboards.variables(dashboard)) {
        String name = v.path("name").asString();
        assertThat(name).as(file).matches("\\w+");
        assertThat(names.add(name)).as(file + " " + name).isTrue();
      }
    });
  }

  static Set<String> defined(JsonNode dashboard) {
    Set<String> names = new HashSet<>();
    Dashboards.variables(dashboard).forEach(v -> names.add(v.path("name").asString()));
    return names;
  }
}
