package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.TlsReader;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsApiIT {
  static final String GRAFANA = "https://grafana.example.com";

  private static HttpResponse<String> preflight(ApiServer api, String path, String origin) {
    return api.send("OPTIONS", path, "Origin", origin, "Access-Control-Request-Method", "GET",
        "Access-Control-Request-Headers", "authorization");
  }

  @Test
  void by_default_every_answer_allows_any_origin_as_the_original_did_on_graph_data() {
    try (ApiServer api = new ApiServer(new InMemoryEdgeReader())) {
      for (String path : new String[] {QueryApp.GRAPH_DATA, QueryApp.HEALTH, QueryApp.CONNECTIONS, "/nope",
          QueryApp.GRAPH_DATA + "?from=bad"}) {
        assertThat(api.get(path).headers().firstValue("Access-Control-Allow-Origin")).as(path).contains("*");
        assertThat(api.get(path, "Origin", GRAFANA).headers().firstValue("Access-Control-Allow-Origin"))
            .as(path).contains("*");
      }
    }
  }

  @Test
  void a_preflight_is_answered_204_allowing_get_and_the_authorization_header() {
    try (ApiServer api = new ApiServer(new InMemoryEdgeReader())) {
      HttpResponse<String> r = preflight(api, QueryApp.GRAPH_DATA, GRAFANA);

      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(r.body()).isEmpty();
      assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
      assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).contains("GET, HEAD, OPTIONS");
      assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).contains("Authorization, Content-Type");
      assertThat(r.headers().firstValue("Access-Control-Max-Age")).contains("600");
      assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD, OPTIONS");
    }
  }

  @Test
  void a_plain_options_request_lists_the_methods_and_an_unknown_path_is_404() {
    try (ApiServer api = new ApiServer(new InMemoryEdgeReader())) {
      HttpResponse<String> r = api.send("OPTIONS", QueryApp.CONNECTIONS);
      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD, OPTIONS");
      assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();

      HttpResponse<String> unknown = api.send("OPTIONS", "/nope");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(ApiServer.contentType(unknown)).startsWith("application/json");
    }
  }

  @Test
  void a_configured_list_echoes_allowed_origins_only() {
    QueryApiConfig config = QueryApiConfig.fromMap(Map.of(QueryApiConfig.CORS_ORIGINS,
        GRAFANA + ",http://localhost:3000"));
    try (ApiServer api = new ApiServer(new InMemoryEdgeReader(), TlsReader.EMPTY, config)) {
      HttpResponse<String> allowed = api.get(QueryApp.GRAPH_DATA, "Origin", GRAFANA);
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(GRAFANA);
      assertThat(allowed.headers().allValues("Vary")).anyMatch(v -> v.contains("Origin"));
      assertThat(api.get(QueryApp.GRAPH_DATA, "Origin", "HTTP://LOCALHOST:3000").headers()
          .firstValue("Access-Control-Allow-Origin")).contains("HTTP://LOCALHOST:3000");

      HttpResponse<String> other = api.get(QueryApp.GRAPH_DATA, "Origin", "https://evil.example");
      assertThat(other.statusCode()).isEqualTo(200);
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(api.get(QueryApp.GRAPH_DATA).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

      HttpResponse<String> goodPreflight = preflight(api, QueryApp.GRAPH_DATA, GRAFANA);
      assertThat(goodPreflight.statusCode()).isEqualTo(204);
      assertThat(goodPreflight.headers().firstValue("Access-Control-Allow-Headers")).isPresent();
      HttpResponse<String> badPreflight = preflight(api, QueryApp.GRAPH_DATA, "https://evil.example");
      assertThat(badPreflight.statusCode()).isEqualTo(204);
      assertThat(badPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(badPreflight.headers().firstValue("Access-Control-Allow-Headers")).isEmpty();
    }
  }
}
