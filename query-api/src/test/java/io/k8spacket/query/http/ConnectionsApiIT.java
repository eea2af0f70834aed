package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.NODE_1;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.http.ApiServer.JSON;
import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8spacket.query.InMemoryEdgeReader;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Five one-minute windows, minute 0 to 4 after T0 (2026-05-12T10:00:00Z). */
class ConnectionsApiIT {
  private static ApiServer api;

  @BeforeAll
  static void start() {
    api = new ApiServer(new InMemoryEdgeReader().add(
        sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40),
        sample(1, FE_1, WEB_1, 1, 0, 100, 100, 10, 10),
        sample(1, FE_2, WEB_1, 2, 0, 20, 40, 6, 5),
        sample(2, FE_1, WEB_1, 5, 2, 5000, 9000, 100000, 90000),
        sample(2, WEB_1, DNS, 8, 0, 640, 1280, 16, 4),
        sample(3, NODE_1, EXTERNAL, 1, 1, 10, 20, 15000, 15000),
        sample(4, FE_1, WEB_1, 1000, 0, 0, 0, 0, 0)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonNode rows(String query) {
    HttpResponse<String> r = api.get("/nodegraph/connections?" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    JsonNode body = json(r);
    assertThat(body.isArray()).isTrue();
    return body;
  }

  private static String range(int fromMinute, int toMinute) {
    return "from=" + (T0 + fromMinute * MINUTE) + "&to=" + (T0 + toMinute * MINUTE);
  }

  private static List<String> pairs(JsonNode rows) {
    return StreamSupport.stream(rows.spliterator(), false)
        .map(r -> r.get("src").asText() + " > " + r.get("dst").asText()).toList();
  }

  @Test
  void sums_exactly_across_windows_with_every_key_present() throws IOException {
    JsonNode rows = rows(range(0, 3) + "&group-by=ip&include=10%5C.0%5C.0%5C.1");

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).isEqualTo(JSON.readTree("""
        {"src":"10.0.0.1","srcName":"frontend-7d9f-a1","srcNamespace":"shop",
         "dst":"10.0.1.1","dstName":"web-5c6b-x1","dstNamespace":"shop","service":"","serviceNamespace":"",
         "connCount":9,"connPersistent":3,"bytesSent":5400,"bytesReceived":10000,
         "duration":100070,"maxDuration":90000,"lastSeen":"2026-05-12T10:02:30Z"}"""));
    assertThat(rows.get(0).get("connCount").isIntegralNumber()).isTrue();
    assertThat(rows.get(0).get("bytesSent").isIntegralNumber()).isTrue();
  }

  @Test
  void group_by_ip_uses_ips() {
    assertThat(pairs(rows(range(0, 4) + "&group-by=ip"))).containsExactly("10.0.0.1 > 10.0.1.1",
        "10.0.0.2 > 10.0.1.1", "10.0.1.1 > 10.0.9.9", "192.168.1.10 > 142.250.74.78");
  }

  @Test
  void group_by_pod_uses_namespace_and_pod() {
    JsonNode rows = rows(range(0, 4) + "&group-by=pod");

    assertThat(pairs(rows)).containsExactly("node.worker-1 > 142.250.74.78",
        "shop/frontend-7d9f-a1 > shop/web-5c6b-x1", "shop/frontend-7d9f-b2 > shop/web-5c6b-x1",
        "shop/web-5c6b-x1 > kube-system/coredns-55cb-k2");
    assertThat(rows.get(1).get("srcName").asText()).isEqualTo("frontend-7d9f-a1");
  }

  @Test
  void group_by_workload_is_the_default_and_sums_pods_of_a_workload() {
    JsonNode rows = rows(range(0, 4));

    assertThat(rows).isEqualTo(rows(range(0, 4) + "&group-by=workload"));
    assertThat(pairs(rows)).containsExactly("node.worker-1 > 142.250.74.78", "shop/frontend > shop/web",
        "shop/web > kube-system/coredns");
    JsonNode feToWeb = rows.get(1);
    assertThat(feToWeb.get("srcName").asText()).isEqualTo("frontend");
    assertThat(feToWeb.get("dstName").asText()).isEqualTo("web");
    assertThat(feToWeb.get("connCount").asLong()).isEqualTo(11);
    assertThat(feToWeb.get("bytesSent").asLong()).isEqualTo(5420);
    assertThat(feToWeb.get("maxDuration").asLong()).isEqualTo(90000);
  }

  @Test
  void group_by_namespace_uses_namespaces() {
    JsonNode rows = rows(range(0, 4) + "&group-by=namespace");

    assertThat(pairs(rows)).containsExactly("node.worker-1 > 142.250.74.78", "shop > kube-system", "shop > shop");
    assertThat(rows.get(2).get("connCount").asLong()).isEqualTo(11);
    assertThat(rows.get(2).get("srcName").asText()).isEqualTo("shop");
  }

  @Test
  void endpoints_without_a_namespace_have_an_empty_namespace_not_null() {
    JsonNode row = rows(range(3, 4)).get(0);

    assertThat(row.get("src").asText()).isEqualTo("node.worker-1");
    assertThat(row.get("srcName").asText()).isEqualTo("worker-1");
    assertThat(row.get("srcNamespace").asText()).isEmpty();
    assertThat(row.get("dst").asText()).isEqualTo("142.250.74.78");
    assertThat(row.get("dstName").asText()).isEqualTo("142.250.74.78");
    assertThat(row.get("dstNamespace").isTextual()).isTrue();
    assertThat(row.get("dstNamespace").asText()).isEmpty();
  }

  @Test
  void namespace_filter_matches_either_end_unanchored() {
    assertThat(pairs(rows(range(0, 4) + "&namespace=kube"))).containsExactly("shop/web > kube-system/coredns");
    assertThat(pairs(rows(range(0, 4) + "&namespace=ho"))).containsExactly("shop/frontend > shop/web",
        "shop/web > kube-system/coredns");
  }

  @Test
  void include_filter_matches_ip_name_or_workload_unanchored() {
    assertThat(pairs(rows(range(0, 4) + "&include=142%5C.250"))).containsExactly("node.worker-1 > 142.250.74.78");
    assertThat(pairs(rows(range(0, 4) + "&include=orker"))).containsExactly("node.worker-1 > 142.250.74.78");
    assertThat(pairs(rows(range(0, 4) + "&include=b2&group-by=ip"))).containsExactly("10.0.0.2 > 10.0.1.1");
  }

  @Test
  void exclude_filter_drops_samples_before_grouping() {
    JsonNode rows = rows(range(0, 4) + "&exclude=a1%7Cdns%7Cworker");

    assertThat(pairs(rows)).containsExactly("shop/frontend > shop/web");
    assertThat(rows.get(0).get("connCount").asLong()).isEqualTo(2);
  }

  @Test
  void windows_outside_the_range_are_excluded() {
    JsonNode rows = rows(range(1, 2) + "&group-by=ip");

    assertThat(pairs(rows)).containsExactly("10.0.0.1 > 10.0.1.1", "10.0.0.2 > 10.0.1.1");
    assertThat(rows.get(0).get("connCount").asLong()).isEqualTo(1);
  }

  @Test
  void windows_overlapping_the_range_edges_are_included_whole() {
    long from = T0 + MINUTE - 1;
    long to = T0 + 2 * MINUTE + 1;
    JsonNode rows = rows("from=" + from + "&to=" + to + "&group-by=ip&include=a1");

    assertThat(rows.get(0).get("connCount").asLong()).isEqualTo(9);
  }

  @Test
  void without_from_and_to_the_range_runs_from_zero_to_one_window_after_now() {
    JsonNode feToWeb = rows("group-by=workload&include=frontend").get(0);

    assertThat(feToWeb.get("connCount").asLong()).as("minutes 0-3; minute 4 starts after now + 1 window")
        .isEqualTo(11);
    long[] asked = api.reader.calls().get(api.reader.calls().size() - 1);
    assertThat(asked).containsExactly(0, ApiServer.NOW.toEpochMilli() + 60_000);
  }

  @Test
  void an_empty_range_is_an_empty_array() {
    HttpResponse<String> r = api.get("/nodegraph/connections?" + range(10, 20));

    assertThat(r.body().trim()).isEqualTo("[]");
  }
}
