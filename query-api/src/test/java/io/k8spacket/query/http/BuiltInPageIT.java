package io.k8spacket.query.http;

import static io.k8spacket.query.http.ApiServer.contentType;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.InMemoryTlsReader;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in page and its graph library are served by the API itself (no internet needed), and stay open when a
 * token protects the data: the page holds no data and asks for the token when the data routes answer 401.
 */
class BuiltInPageIT {
  private static ApiServer api;

  @BeforeAll
  static void start() {
    api = new ApiServer(new InMemoryEdgeReader(), new InMemoryTlsReader(),
        QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN, AuthApiIT.TOKEN)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void the_page_its_script_its_style_and_the_graph_library_are_served_without_the_token() {
    HttpResponse<String> page = api.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(contentType(page)).startsWith("text/html");
    assertThat(page.body()).contains("k8spacket.js", "webjars/cytoscape/3.33.1/dist/cytoscape.min.js");
    for (String asset : new String[] {"/index.html", "/k8spacket.js", "/k8spacket.css",
        "/webjars/cytoscape/3.33.1/dist/cytoscape.min.js"}) {
      HttpResponse<String> r = api.get(asset);
      assertThat(r.statusCode()).as(asset).isEqualTo(200);
      assertThat(r.body()).as(asset).isNotEmpty();
    }
  }

  @Test
  void the_data_the_page_reads_still_needs_the_token() {
    assertThat(api.get(QueryApp.CONNECTIONS).statusCode()).isEqualTo(401);
    assertThat(api.get("/webjars/../nodegraph/connections").statusCode()).isIn(400, 401, 404);
    assertThat(api.get(QueryApp.CONNECTIONS, "Authorization", "Bearer " + AuthApiIT.TOKEN).statusCode())
        .isEqualTo(200);
  }
}
