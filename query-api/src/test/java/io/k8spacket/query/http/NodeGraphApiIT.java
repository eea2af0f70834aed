package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.http.ApiServer.JSON;
import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.nodegraph.GraphFields;
import io.k8spacket.query.nodegraph.GraphFixtures;
import io.k8spacket.query.nodegraph.NodeGraph;
import io.k8spacket.query.nodegraph.StatsType;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeGraphApiIT {
  private static final String RANGE = "from=" + T0 + "&to=" + (T0 + 3 * MINUTE);
  private static ApiServer api;

  @BeforeAll
  static void start() {
    api = new ApiServer(GraphFixtures.scenario());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode node(JsonNode graph, String id) {
    for (JsonNode n : graph.get("nodes")) {
      if (n.get("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no node " + id + " in " + graph);
  }

  @Test
  void health_answers_200_with_a_small_json_body() {
    HttpResponse<String> r = api.get("/nodegraph/api/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    assertThat(json(r)).isEqualTo(JSON.createObjectNode().put("status", "ok"));
  }

  @ParameterizedTest(name = "stats-type={0}")
  @CsvSource({"connection, CONNECTION", "bytes, BYTES", "duration, DURATION", "'', CONNECTION",
      "nonsense, CONNECTION"})
  void fields_equal_the_originals_answer_plus_the_detail_fields(String statsType, StatsType expected)
      throws IOException {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/fields?namespace=&stats-type=" + statsType + "&"
        + RANGE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    assertThat(GraphFixtures.withoutDetails(json(r))).isEqualTo(GraphFixtures.originalFields(expected));
    assertThat(json(r)).isEqualTo(JSON.valueToTree(GraphFields.of(expected)));
  }

  @Test
  void fields_without_stats_type_are_the_connection_fields() throws IOException {
    assertThat(GraphFixtures.withoutDetails(json(api.get("/nodegraph/api/graph/fields"))))
        .isEqualTo(GraphFixtures.originalFields(StatsType.CONNECTION));
  }

  @ParameterizedTest(name = "stats-type={0}")
  @CsvSource({"connection", "bytes", "duration"})
  void every_node_and_edge_carries_exactly_the_declared_fields_nulls_included(String statsType) {
    JsonNode fields = json(api.get("/nodegraph/api/graph/fields?stats-type=" + statsType));
    JsonNode g = json(api.get("/nodegraph/api/graph/data?stats-type=" + statsType + "&" + RANGE));
    Set<String> nodeFields = declared(fields.get("nodes_fields"));
    nodeFields.add("arc__3"); // sent as 0 and not declared, like the original
    Set<String> edgeFields = declared(fields.get("edges_fields"));

    assertThat(g.get("nodes")).isNotEmpty().allSatisfy(n -> assertThat(fieldNames(n)).isEqualTo(nodeFields));
    assertThat(g.get("edges")).isNotEmpty().allSatisfy(e -> assertThat(fieldNames(e)).isEqualTo(edgeFields));
  }

  @Test
  void graph_data_in_connection_mode_has_the_original_keys_and_strings() {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/data?namespace=&include=&exclude=&stats-type=connection&"
        + RANGE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    JsonNode g = json(r);
    JsonNode web = node(g, "shop/web");
    assertThat(fieldNames(web)).containsExactly("arc__1", "arc__2", "arc__3", "detail__kind", "detail__namespace",
        "detail__ports", "detail__tls", "id", "mainStat", "secondaryStat", "subTitle", "title");
    assertThat(web.get("title").asText()).isEqualTo("web");
    assertThat(web.get("subTitle").asText()).isEqualTo("shop");
    assertThat(web.get("mainStat").asText()).isEqualTo("all: 4");
    assertThat(web.get("secondaryStat").asText()).isEqualTo("persistent: 1");
    assertThat(web.get("arc__1").asDouble()).isEqualTo(0.25);
    assertThat(web.get("arc__2").asDouble()).isEqualTo(0.75);
    assertThat(node(g, "shop/frontend").get("mainStat").asText()).isEqualTo("all: N/A");
    JsonNode edge = g.get("edges").get(1);
    assertThat(fieldNames(edge)).containsExactly("detail__ports", "detail__service", "detail__tls", "id", "mainStat",
        "secondaryStat", "source", "target");
    assertThat(edge.get("id").asText()).isEqualTo("shop/frontend->shop/web");
    assertThat(edge.get("source").asText()).isEqualTo("shop/frontend");
    assertThat(edge.get("target").asText()).isEqualTo("shop/web");
    assertThat(edge.get("mainStat").asText()).isEqualTo("all: 4");
  }

  @Test
  void graph_data_in_bytes_mode_shows_rates_per_second() {
    JsonNode g = json(api.get("/nodegraph/api/graph/data?stats-type=bytes&" + RANGE));

    assertThat(node(g, "142.250.74.78").get("mainStat").asText()).isEqualTo("recv: 200.00B/s");
    assertThat(node(g, "142.250.74.78").get("secondaryStat").asText()).isEqualTo("resp: 1.00KB/s");
    assertThat(node(g, "kube-system/coredns").get("arc__1").asDouble()).isEqualTo(1440.0 / 4320);
    assertThat(g.get("edges").get(0).get("mainStat").asText()).isEqualTo("sent: 200.00B/s");
    assertThat(g.get("edges").get(0).get("secondaryStat").asText()).isEqualTo("recv: 1.00KB/s");
  }

  @Test
  void graph_data_in_duration_mode_shows_go_durations() {
    JsonNode g = json(api.get("/nodegraph/api/graph/data?stats-type=duration&" + RANGE));

    assertThat(node(g, "shop/web").get("mainStat").asText()).isEqualTo("avg: 18.75ms");
    assertThat(node(g, "shop/web").get("secondaryStat").asText()).isEqualTo("max: 40ms");
    assertThat(node(g, "shop/web").get("arc__1").asDouble()).isEqualTo(0.46875);
    assertThat(node(g, "shop/frontend").get("mainStat").asText()).isEqualTo("avg: N/A");
  }

  @Test
  void graph_data_over_http_keeps_the_node_graph_invariants() throws IOException {
    for (String type : List.of("connection", "bytes", "duration")) {
      for (String groupBy : List.of("ip", "pod", "workload", "namespace")) {
        HttpResponse<String> r = api.get("/nodegraph/api/graph/data?stats-type=" + type + "&group-by=" + groupBy
            + "&" + RANGE);
        GraphFixtures.assertInvariants(JSON.readValue(r.body(), NodeGraph.class));
      }
    }
  }

  @Test
  void graph_for_unknown_namespace_is_empty_not_null() throws IOException {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/data?namespace=nothing-here&" + RANGE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r)).isEqualTo(JSON.readTree("{\"nodes\":[],\"edges\":[]}"));
  }

  @Test
  void graph_for_an_empty_store_is_empty_arrays() {
    try (ApiServer empty = new ApiServer(new InMemoryEdgeReader())) {
      HttpResponse<String> r = empty.get("/nodegraph/api/graph/data");

      assertThat(r.body().replace(" ", "")).isEqualTo("{\"nodes\":[],\"edges\":[]}");
    }
  }

  @Test
  void graph_data_allows_any_origin_like_the_original() {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/data?" + RANGE);

    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
  }

  @Test
  void parameter_order_does_not_matter() {
    String dashboardOrder = "/nodegraph/api/graph/data?namespace=shop&include=&exclude=dns&stats-type=bytes&"
        + RANGE;
    String infinityOrder = "/nodegraph/api/graph/data?exclude=dns&from=" + T0 + "&include=&namespace=shop"
        + "&stats-type=bytes&to=" + (T0 + 3 * MINUTE);

    assertThat(json(api.get(infinityOrder))).isEqualTo(json(api.get(dashboardOrder)));
  }

  @Test
  void percent_encoded_regular_expressions_are_decoded_and_matched_unanchored() {
    JsonNode g = json(api.get("/nodegraph/api/graph/data?include=" + "core%7C142%5C.250" + "&" + RANGE));

    assertThat(ids(g.get("nodes"))).containsExactly("142.250.74.78", "kube-system/coredns", "shop/frontend",
        "shop/web");
    assertThat(g.get("edges")).hasSize(2);
  }

  @Test
  void a_plus_is_decoded_as_a_space_and_percent_2b_as_a_plus() {
    assertThat(json(api.get("/nodegraph/api/graph/data?include=7d9f-a+1&" + RANGE)).get("edges")).isEmpty();
    assertThat(json(api.get("/nodegraph/api/graph/data?include=7d9f-a%2B1&" + RANGE)).get("edges")).hasSize(2);
  }

  private static Set<String> declared(JsonNode fields) {
    Set<String> names = new TreeSet<>();
    fields.forEach(f -> names.add(f.get("field_name").asText()));
    return names;
  }

  private static Set<String> fieldNames(JsonNode n) {
    Set<String> names = new TreeSet<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> ids(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(n -> n.get("id").asText()).toList();
  }

}
