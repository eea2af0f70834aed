package io.k8spacket.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The files under test, read from the module folder: every {@code dashboards/*.json}, the provisioning YAML, and
 * the shared Grafana schemas beside the project ({@code ../../shared/data/grafana-schema} from this module, the
 * same layout on CI). Also walks a dashboard's panels (rows included) and targets.
 */
final class Dashboards {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** The module folder: Maven runs tests there and also passes it as {@code basedir}. */
  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  static final Path SCHEMAS = MODULE.resolve("../../shared/data/grafana-schema").normalize();
  static final Path DATASOURCES = MODULE.resolve("provisioning/datasources.yaml");
  static final Path PROVIDERS = MODULE.resolve("provisioning/dashboards.yaml");

  private Dashboards() {}

  /** Every dashboard, by file name, sorted. */
  static Map<String, JsonNode> all() {
    Map<String, JsonNode> dashboards = new TreeMap<>();
    try (Stream<Path> files = Files.list(MODULE)) {
      files.filter(f -> f.getFileName().toString().endsWith(".json"))
          .forEach(f -> dashboards.put(f.getFileName().toString(), read(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dashboards;
  }

  static JsonNode read(Path file) {
    return file.toString().endsWith(".json") ? JSON.readTree(file.toFile()) : YAML.readTree(file.toFile());
  }

  /** The provisioned datasources by uid. */
  static Map<String, JsonNode> datasources() {
    Map<String, JsonNode> byUid = new TreeMap<>();
    for (JsonNode ds : read(DATASOURCES).path("datasources")) {
      byUid.put(ds.path("uid").asString(), ds);
    }
    return byUid;
  }

  /** Every panel of a dashboard, the panels inside rows (collapsed or not) and the rows themselves. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      for (JsonNode inner : panel.path("panels")) {
        panels.add(inner);
      }
    }
    return panels;
  }

  /** Every query target of every panel, each with its panel. */
  static List<Target> targets(JsonNode dashboard) {
    List<Target> targets = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        targets.add(new Target(panel, target));
      }
    }
    return targets;
  }

  /** The template variables. */
  static List<JsonNode> variables(JsonNode dashboard) {
    List<JsonNode> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(variables::add);
    return variables;
  }

  /**
   * Every text Grafana interpolates before a query or link leaves it: Node Graph API query strings, Infinity
   * URLs and parameter values, PromQL, variable queries, panel time overrides and data-link URLs (not the
   * Infinity root selectors: their {@code $} are JSONata's).
   */
  static List<Text> queryTexts(JsonNode dashboard) {
    List<Text> texts = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      String where = "panel '" + panel.path("title").asString() + "'";
      if (panel.has("timeFrom")) {
        texts.add(new Text(where + " timeFrom", panel.path("timeFrom").asString()));
      }
      for (JsonNode link : panel.path("fieldConfig").path("defaults").path("links")) {
        texts.add(new Text(where + " link", link.path("url").asString()));
      }
      for (JsonNode target : panel.path("targets")) {
        String at = where + " target " + target.path("refId").asString();
        for (String key : List.of("queryText", "url", "expr")) {
          if (target.has(key)) {
            texts.add(new Text(at + " " + key, target.path(key).asString()));
          }
        }
        for (JsonNode param : target.path("url_options").path("params")) {
          texts.add(new Text(at + " param " + param.path("key").asString(), param.path("value").asString()));
        }
      }
    }
    for (JsonNode variable : variables(dashboard)) {
      if (variable.path("query").isString() && variable.path("type").asString().equals("query")) {
        texts.add(new Text("variable " + variable.path("name").asString(), variable.path("query").asString()));
      }
    }
    return texts;
  }

  /** A text with where it is. */
  record Text(String where, String text) {}

  /** A target with its panel; {@code type} is its datasource's plugin id. */
  record Target(JsonNode panel, JsonNode target) {
    String type() {
      return target.path("datasource").path("type").asString();
    }

    String where() {
      return "panel '" + panel.path("title").asString() + "' target " + target.path("refId").asString();
    }
  }
}
