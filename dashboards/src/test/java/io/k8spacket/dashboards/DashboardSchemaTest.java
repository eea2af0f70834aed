package io.k8spacket.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every dashboard validates against Grafana's dashboard JSON Schema (grafana-foundation-sdk, draft-07), and its
 * node graph and table panels against their panel schemas. Four spots where the generated schema is stricter than
 * Grafana itself (research/grafana.md §6) are loosened first; everything else must pass as is.
 */
class DashboardSchemaTest {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
  private static Schema dashboardSchema;
  private static Map<String, Schema> panelSchemas;

  @BeforeAll
  static void loadSchemas() {
    assertThat(Dashboards.SCHEMAS.resolve("dashboard.jsonschema.json"))
        .as("shared Grafana schemas beside the project").exists();
    ObjectNode dashboard = (ObjectNode) Dashboards.read(Dashboards.SCHEMAS.resolve("dashboard.jsonschema.json"));
    ObjectNode definitions = (ObjectNode) dashboard.path("definitions");
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    // Grafana writes {title, url} data links on fields; the schema wants a full DashboardLink.
    ((ObjectNode) definitions.path("FieldConfig").path("properties").path("links"))
        .set("items", nodes.objectNode().put("type", "object"));
    // Matcher options are a string for byName/byType matchers; override values are any JSON value.
    ((ObjectNode) definitions.path("MatcherConfig").path("properties")).set("options", nodes.objectNode());
    ((ObjectNode) definitions.path("DynamicConfigValue").path("properties")).set("value", nodes.objectNode());
    // Variable queries are a string or a plugin's query object with scalar values.
    ObjectNode query = nodes.objectNode();
    query.putArray("anyOf").add(nodes.objectNode().put("type", "string"))
        .add(nodes.objectNode().put("type", "object"));
    ((ObjectNode) definitions.path("VariableModel").path("properties")).set("query", query);
    dashboardSchema = REGISTRY.getSchema(dashboard);
    panelSchemas = Map.of(
        "nodeGraph.options", definition("nodegraph.jsonschema.json", "Options"),
        "table.options", definition("table.jsonschema.json", "Options"),
        "table.custom", definition("table.jsonschema.json", "FieldConfig"));
  }

  /** The schema of one definition of a schema file, with the file's other definitions for its $refs. */
  private static Schema definition(String file, String name) {
    ObjectNode schema = ((ObjectNode) Dashboards.read(Dashboards.SCHEMAS.resolve(file))).deepCopy();
    schema.put("$ref", "#/definitions/" + name);
    return REGISTRY.getSchema(schema);
  }

  @Test
  void there_are_the_six_dashboards() {
    assertThat(Dashboards.all()).containsOnlyKeys("k8spacket-node-graph.json", "k8spacket-tls-connections.json",
        "k8spacket-tls-metrics.json", "k8spacket-tls-cert-expiry.json", "k8spacket-traffic-metrics.json",
        "k8spacket-pipeline-health.json");
  }

  @Test
  void every_dashboard_validates_against_grafanas_dashboard_schema() {
    Dashboards.all().forEach((file, dashboard) -> {
      List<Error> errors = dashboardSchema.validate(dashboard);
      assertThat(errors).as(file).isEmpty();
    });
  }

  @Test
  void node_graph_and_table_panels_validate_against_their_panel_schemas() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (var entry : Dashboards.all().entrySet()) {
      for (JsonNode panel : Dashboards.panels(entry.getValue())) {
        String type = panel.path("type").asString();
        String where = entry.getKey() + " '" + panel.path("title").asString() + "'";
        if (type.equals("nodeGraph") || type.equals("table")) {
          problems.addAll(errors(where + " options", panelSchemas.get(type + ".options"), panel.path("options")));
          checked++;
        }
        if (type.equals("table")) {
          problems.addAll(errors(where + " custom", panelSchemas.get("table.custom"),
              panel.path("fieldConfig").path("defaults").path("custom")));
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
    assertThat(problems).isEmpty();
  }

  private static List<String> errors(String where, Schema schema, JsonNode node) {
    return schema.validate(node).stream().map(e -> where + ": " + e).toList();
  }

  @Test
  void uids_and_titles_are_valid_unique_and_match_the_file_names() {
    Set<String> titles = new HashSet<>();
    Dashboards.all().forEach((file, dashboard) -> {
      String uid = dashboard.path("uid").asString();
      assertThat(uid).as(file).matches("[A-Za-z0-9_-]{1,40}");
      assertThat(file).isEqualTo(uid + ".json");
      assertThat(titles.add(dashboard.path("title").asString())).as(file + " title unique").isTrue();
      assertThat(dashboard.path("title").asString()).as(file).startsWith("k8spacket - ");
      assertThat(dashboard.path("tags").toString()).as(file).contains("\"k8spacket\"");
    });
  }

  @Test
  void dashboards_provision_as_they_are() throws Exception {
    for (var entry : Dashboards.all().entrySet()) {
      String text = Files.readString(Dashboards.MODULE.resolve(entry.getKey()));
      JsonNode dashboard = entry.getValue();
      // "Export for sharing externally" placeholders are not resolved by file provisioning.
      assertThat(text).as(entry.getKey()).doesNotContain("__inputs", "${DS_", "__requires");
      // A fixed numeric id would clash with other dashboards of the Grafana instance.
      assertThat(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull()).as(entry.getKey()).isTrue();
    }
  }

  @Test
  void panel_ids_are_unique_and_panels_fit_the_grid_without_overlapping() {
    Dashboards.all().forEach((file, dashboard) -> {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : Dashboards.panels(dashboard)) {
        assertThat(ids.add(panel.path("id").asInt())).as(file + " panel id " + panel.path("id")).isTrue();
      }
      List<JsonNode> top = new ArrayList<>();
      dashboard.path("panels").forEach(top::add);
      for (int i = 0; i < top.size(); i++) {
        for (int j = i + 1; j < top.size(); j++) {
          assertThat(overlap(top.get(i).path("gridPos"), top.get(j).path("gridPos")))
              .as(file + ": '" + top.get(i).path("title").asString() + "' overlaps '"
                  + top.get(j).path("title").asString() + "'")
              .isFalse();
        }
      }
    });
  }

  private static boolean overlap(JsonNode a, JsonNode b) {
    return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
        && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
        && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
        && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
  }
}
