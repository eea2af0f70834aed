package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.http.ApiServer.JSON;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8spacket.query.nodegraph.GraphFixtures;
import io.k8spacket.query.nodegraph.NodeGraph;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Graph data and connections over {@link GraphFixtures#servicesScenario()}, queried as [T0, T0+3min). */
class ServicesApiIT {
  private static final String RANGE = "from=" + T0 + "&to=" + (T0 + 3 * MINUTE);
  private static ApiServer api;

  @BeforeAll
  static void start() {
    api = new ApiServer(GraphFixtures.servicesScenario());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode get(String path) {
    HttpResponse<String> r = api.get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  private static List<String> texts(JsonNode array, String... keys) {
    return StreamSupport.stream(array.spliterator(), false).map(n -> {
      StringBuilder b = new StringBuilder();
      for (String k : keys) {
        b.append(b.isEmpty() ? "" : " | ").append(n.get(k).asText());
      }
      return b.toString();
    }).toList();
  }

  @Test
  void graph_data_in_the_default_view_draws_client_service_backend() {
    JsonNode g = get("/nodegraph/api/graph/data?" + RANGE);

    assertThat(texts(g.get("nodes"), "id", "title", "subTitle", "mainStat", "secondaryStat")).containsExactly(
        "kube-system/svc.kube-dns | kube-dns | kube-system | all: 4 | persistent: 0",
        "shop/frontend | frontend | shop | all: N/A | persistent: N/A",
        "shop/svc.web | web | shop | all: 4 | persistent: 1",
        "shop/web | web | shop | all: 6 | persistent: 1");
    assertThat(texts(g.get("edges"), "id", "source", "target", "mainStat", "secondaryStat")).containsExactly(
        "shop/frontend->shop/svc.web | shop/frontend | shop/svc.web | all: 4 | persistent: 1",
        "shop/frontend->shop/web | shop/frontend | shop/web | all: 2 | persistent: 0",
        "shop/svc.web->shop/web | shop/svc.web | shop/web | all: 4 | persistent: 1",
        "shop/web->kube-system/svc.kube-dns | shop/web | kube-system/svc.kube-dns | all: 4 | persistent: 0");
  }

  @Test
  void graph_data_grouped_by_service_ends_edges_at_the_service() {
    JsonNode g = get("/nodegraph/api/graph/data?group-by=service&" + RANGE);

    assertThat(texts(g.get("nodes"), "id", "mainStat")).containsExactly("kube-system/svc.kube-dns | all: 4",
        "shop/frontend | all: N/A", "shop/svc.web | all: 4", "shop/web | all: 2");
    assertThat(texts(g.get("edges"), "id", "mainStat")).containsExactly("shop/frontend->shop/svc.web | all: 4",
        "shop/frontend->shop/web | all: 2", "shop/web->kube-system/svc.kube-dns | all: 4");
  }

  @Test
  void connections_stay_one_row_per_client_server_and_service_with_the_service_named() throws IOException {
    JsonNode rows = get("/nodegraph/connections?" + RANGE);

    assertThat(rows).isEqualTo(JSON.readTree("""
        [{"src":"shop/frontend","srcName":"frontend","srcNamespace":"shop",
          "dst":"shop/web","dstName":"web","dstNamespace":"shop","service":"","serviceNamespace":"",
          "connCount":2,"connPersistent":0,"bytesSent":60,"bytesReceived":120,
          "duration":10,"maxDuration":6,"lastSeen":"2026-05-12T10:01:30Z"},
         {"src":"shop/frontend","srcName":"frontend","srcNamespace":"shop",
          "dst":"shop/web","dstName":"web","dstNamespace":"shop","service":"web","serviceNamespace":"shop",
          "connCount":4,"connPersistent":1,"bytesSent":900,"bytesReceived":1800,
          "duration":75,"maxDuration":40,"lastSeen":"2026-05-12T10:01:30Z"},
         {"src":"shop/web","srcName":"web","srcNamespace":"shop",
          "dst":"kube-system/svc.kube-dns","dstName":"kube-dns","dstNamespace":"kube-system",
          "service":"kube-dns","serviceNamespace":"kube-system",
          "connCount":4,"connPersistent":0,"bytesSent":40,"bytesReceived":80,
          "duration":8,"maxDuration":4,"lastSeen":"2026-05-12T10:02:30Z"}]"""));
  }

  @Test
  void connections_grouped_by_service_name_the_service_as_the_server() {
    JsonNode rows = get("/nodegraph/connections?group-by=service&" + RANGE);

    assertThat(texts(rows, "src", "dst", "dstName", "service", "connCount")).containsExactly(
        "shop/frontend | shop/svc.web | web | web | 4",
        "shop/frontend | shop/web | web |  | 2",
        "shop/web | kube-system/svc.kube-dns | kube-dns | kube-dns | 4");
  }

  @Test
  void include_exclude_and_namespace_also_match_the_service() {
    assertThat(texts(get("/nodegraph/connections?include=%5Ekube-dns%24&" + RANGE), "dst"))
        .containsExactly("kube-system/svc.kube-dns");
    assertThat(texts(get("/nodegraph/connections?exclude=%5Ekube-dns%24&" + RANGE), "dst", "service"))
        .containsExactly("shop/web | ", "shop/web | web");
    assertThat(texts(get("/nodegraph/connections?namespace=system&" + RANGE), "src"))
        .containsExactly("shop/web");
  }

  @Test
  void graph_data_keeps_the_node_graph_invariants_in_every_view() throws IOException {
    for (String type : List.of("connection", "bytes", "duration")) {
      for (String groupBy : List.of("ip", "pod", "workload", "service", "namespace")) {
        HttpResponse<String> r = api.get("/nodegraph/api/graph/data?stats-type=" + type + "&group-by=" + groupBy
            + "&" + RANGE);
        assertThat(r.statusCode()).isEqualTo(200);
        GraphFixtures.assertInvariants(JSON.readValue(r.body(), NodeGraph.class));
      }
    }
  }
}
