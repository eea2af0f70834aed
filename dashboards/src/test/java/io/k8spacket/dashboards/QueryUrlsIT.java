package io.k8spacket.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.dashjoin.jsonata.Jsonata;
import io.javalin.Javalin;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every URL the dashboards make Grafana request exists on the real query API and answers 200 with JSON: the API
 * runs on a random port over {@link SampleStores}, each query's variables are replaced as Grafana would (with
 * every option of each custom variable, with the defaults, and with sample regexes and the id of a real row),
 * and the request is sent the way each plugin builds it. Infinity answers also go through the query's JSONata
 * root selector, and every declared column must be a key of every row it yields.
 */
class QueryUrlsIT {
  /** Sample values for the textboxes: regexes with characters that need encoding, and a row's id. */
  private static final Map<String, String> TEXTBOX_SAMPLES = Map.of(
      "namespace", "sho.|kube-system",
      "include", "front|web-.+",
      "exclude", "kube-(proxy|flannel)");
  private static final String NODEGRAPH = "hamedkarbasi93-nodegraphapi-datasource";
  private static final String INFINITY = "yesoreyeram-infinity-datasource";
  private static final String PROMETHEUS = "prometheus";

  private static Javalin app;
  private static PrometheusMeterRegistry registry;
  private static String origin;
  private static long nowMs;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startApi() {
    nowMs = System.currentTimeMillis();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    app = QueryApp.create(SampleStores.edges(nowMs), SampleStores.tls(nowMs), registry, QueryApiConfig.defaults())
        .start(0);
    origin = "http://127.0.0.1:" + app.port();
  }

  @AfterAll
  static void stopApi() {
    app.stop();
  }

  @Test
  void every_dashboard_query_hits_an_endpoint_that_answers_json() throws Exception {
    int requests = 0;
    for (var entry : Dashboards.all().entrySet()) {
      JsonNode dashboard = entry.getValue();
      for (Assignment assignment : assignments(dashboard)) {
        for (Dashboards.Target t : Dashboards.targets(dashboard)) {
          String where = entry.getKey() + " " + t.where() + " with " + assignment.name();
          switch (t.type()) {
            case NODEGRAPH -> requests += nodeGraphApi(where, t.target(), assignment.values());
            case INFINITY -> requests += infinity(where, t.target(), assignment);
            case PROMETHEUS -> { } // PromQL: PromQlMetricNamesTest
            default -> throw new AssertionError(where + ": no check for datasource type " + t.type());
          }
        }
      }
    }
    assertThat(requests).isGreaterThan(50);
  }

  @Test
  void every_provisioned_datasource_health_check_answers_200() throws Exception {
    Map<String, JsonNode> ds = Dashboards.datasources();
    // Node Graph API "Save & test" calls <jsonData.url>/api/health and wants exactly 200.
    assertThat(get(local(ds.get("k8spacket-nodegraph").path("jsonData").path("url").asString()) + "/api/health")
        .statusCode()).isEqualTo(200);
    assertThat(get(local(ds.get("k8spacket-infinity").path("jsonData").path("customHealthCheckUrl").asString()))
        .statusCode()).isEqualTo(200);
  }

  @Test
  void the_query_api_exports_the_request_timer_the_health_dashboard_reads() throws Exception {
    get(origin + "/nodegraph/api/health");
    String metrics = get(origin + "/metrics").body();
    for (String name : PromQlMetricNamesTest.QUERY_API_METRICS) {
      assertThat(metrics).contains(name + "{");
    }
    assertThat(metrics).contains("route=\"/nodegraph/api/health\"", "method=\"GET\"", "status=\"200\"");
  }

  /** Node Graph API plugin: {@code GET <jsonData.url>/api/graph/fields?<q>}, then {@code .../data?<q>}. */
  private int nodeGraphApi(String where, JsonNode target, Map<String, String> values) throws Exception {
    String base = local(Dashboards.datasources().get(target.path("datasource").path("uid").asString())
        .path("jsonData").path("url").asString());
    String q = GrafanaVariables.interpolate(target.path("queryText").asString(), values);
    JsonNode fields = json(where, base + "/api/graph/fields" + (q.isEmpty() ? "" : "?" + q));
    assertThat(fields.path("nodes_fields").isArray() && fields.path("edges_fields").isArray()).as(where).isTrue();
    JsonNode data = json(where, base + "/api/graph/data" + (q.isEmpty() ? "" : "?" + q));
    assertThat(data.path("nodes").isArray() && data.path("edges").isArray()).as(where).isTrue();
    return 2;
  }

  /** Infinity: the backend's request, then the root selector and the declared columns over the answer. */
  private int infinity(String where, JsonNode target, Assignment assignment) throws Exception {
    InfinityQuery query = InfinityQuery.of(target);
    assertThat(target.path("type").asString()).as(where).isEqualTo("json");
    assertThat(target.path("source").asString()).as(where).isEqualTo("url");
    assertThat(target.path("parser").asString()).as(where).isEqualTo("backend");
    String base = local(Dashboards.datasources().get(target.path("datasource").path("uid").asString())
        .path("url").asString());
    URI uri = query.uri(base, assignment.values());
    HttpResponse<String> response = get(uri.toString());
    assertThat(response.statusCode()).as(where + " " + uri + ": " + response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).as(where).contains("application/json");
    Object body = Dashboards.JSON.readValue(response.body(), Object.class);
    List<Map<?, ?>> rows = rows(where, query.rootSelector(), body);
    if (assignment.expectsRows()) {
      assertThat(rows).as(where + " rows from " + uri).isNotEmpty();
    }
    List<String> required = new ArrayList<>();
    query.columns().forEach(c -> required.add(c.selector()));
    switch (query.format()) {
      case "node-graph-nodes" -> required.add("id");
      case "node-graph-edges" -> required.addAll(List.of("id", "source", "target"));
      case "table" -> assertThat(query.columns()).as(where + " declares its columns").isNotEmpty();
      default -> throw new AssertionError(where + ": format " + query.format());
    }
    for (Map<?, ?> row : rows) {
      for (String selector : required) {
        assertThat(resolve(row, selector)).as(where + ": column '" + selector + "' in row " + row).isNotNull();
      }
    }
    if (assignment.expectsRows()) {
      // With the sample data every column has a value somewhere (a misspelt JSONata path gives "" or nothing).
      for (String selector : required) {
        assertThat(rows).as(where + ": column '" + selector + "' is empty in every row " + rows)
            .anyMatch(row -> !String.valueOf(resolve(row, selector)).isEmpty());
      }
    }
    return 1;
  }

  /** The rows Infinity's JSONata parser makes of an answer: an array's items, an object as one row. */
  private static List<Map<?, ?>> rows(String where, String rootSelector, Object body) {
    Object selected = rootSelector.isBlank() ? body : Jsonata.jsonata(rootSelector).evaluate(body);
    List<Map<?, ?>> rows = new ArrayList<>();
    if (selected instanceof Map<?, ?> map) {
      rows.add(map);
    } else if (selected instanceof List<?> list) {
      for (Object item : list) {
        assertThat(item).as(where + ": row is an object").isInstanceOf(Map.class);
        rows.add((Map<?, ?>) item);
      }
    } else {
      assertThat(selected).as(where + ": root selector result").isNull();
    }
    return rows;
  }

  private static Object resolve(Map<?, ?> row, String selector) {
    Object value = row;
    for (String key : selector.split("\\.")) {
      value = value instanceof Map<?, ?> m ? m.get(key) : null;
    }
    return value;
  }

  /**
   * The variable values to try: the defaults; each option of each custom variable; and samples for the
   * textboxes (with {@code id} = the first TLS connection's id), under which every Infinity query must yield
   * rows.
   */
  private List<Assignment> assignments(JsonNode dashboard) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("__from", Long.toString(nowMs - 3_600_000));
    defaults.put("__to", Long.toString(nowMs));
    for (JsonNode v : Dashboards.variables(dashboard)) {
      defaults.put(v.path("name").asString(), v.path("current").path("value").asString());
    }
    List<Assignment> assignments = new ArrayList<>();
    assignments.add(new Assignment("defaults", defaults, false));
    Map<String, String> samples = new LinkedHashMap<>(defaults);
    for (JsonNode v : Dashboards.variables(dashboard)) {
      String name = v.path("name").asString();
      switch (v.path("type").asString()) {
        case "custom" -> {
          for (JsonNode option : v.path("options")) {
            Map<String, String> values = new LinkedHashMap<>(defaults);
            values.put(name, option.path("value").asString());
            assignments.add(new Assignment(name + "=" + option.path("value").asString(), values, false));
          }
        }
        case "textbox" -> samples.put(name, name.equals("id") ? firstTlsId() : sample(name));
        case "query" -> { } // Prometheus label values: not sent to the query API
        default -> throw new AssertionError("no sample for variable type " + v.path("type"));
      }
    }
    assignments.add(new Assignment("samples " + samples, samples, true));
    return assignments;
  }

  private static String sample(String textbox) {
    String value = TEXTBOX_SAMPLES.get(textbox);
    assertThat(value).as("a sample value for textbox " + textbox).isNotNull();
    return value;
  }

  private String firstTlsId() throws Exception {
    JsonNode rows = json("TLS list", origin + "/tlsparser/api/data?from=" + (nowMs - 3_600_000) + "&to=" + nowMs);
    assertThat(rows.size()).isGreaterThan(0);
    return rows.get(0).path("id").asString();
  }

  private JsonNode json(String where, String url) throws Exception {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).as(where + " " + url + ": " + response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).as(where).contains("application/json");
    return Dashboards.JSON.readTree(response.body());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A provisioned URL ({@code http://k8spacket:8080/...}) pointed at the API under test. */
  private static String local(String provisioned) {
    assertThat(provisioned).startsWith("http://k8spacket:8080");
    return origin + provisioned.substring("http://k8spacket:8080".length());
  }

  private record Assignment(String name, Map<String, String> values, boolean expectsRows) {}
}
