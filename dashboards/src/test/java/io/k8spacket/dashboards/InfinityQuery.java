package io.k8spacket.dashboards;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * One Infinity target (JSON, URL source) and the request its backend sends for it: the base URL of the
 * datasource plus the interpolated {@code url}, with {@code url_options.params} re-encoded and sorted by key as
 * Go's {@code url.Values.Encode} does (research/grafana.md §2.5).
 */
record InfinityQuery(String url, Map<String, String> params, String rootSelector, List<Column> columns,
    String format) {

  /** A declared column: JSON key (a dotted path), display name and Infinity type. */
  record Column(String selector, String text, String type) {}

  static InfinityQuery of(JsonNode target) {
    Map<String, String> params = new LinkedHashMap<>();
    for (JsonNode p : target.path("url_options").path("params")) {
      params.put(p.path("key").asString(), p.path("value").asString());
    }
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : target.path("columns")) {
      columns.add(new Column(c.path("selector").asString(), c.path("text").asString(), c.path("type").asString()));
    }
    return new InfinityQuery(target.path("url").asString(), params, target.path("root_selector").asString(),
        columns, target.path("format").asString());
  }

  /** The URI the backend requests, after Grafana interpolated the variables with {@code values}. */
  URI uri(String base, Map<String, String> values) {
    Map<String, String> sorted = new TreeMap<>();
    params.forEach((k, v) -> sorted.put(k, GrafanaVariables.interpolate(v, values)));
    StringBuilder query = new StringBuilder();
    sorted.forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(goQueryEscape(k)).append('=')
        .append(goQueryEscape(v)));
    String path = GrafanaVariables.interpolate(url, values);
    return URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
  }

  /** Go's {@code url.QueryEscape}: space as {@code +}, only {@code A-Z a-z 0-9 - _ . ~} kept. */
  static String goQueryEscape(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }
}
