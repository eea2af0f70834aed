package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.query.InMemoryEdgeReader;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsApiIT {
  @Test
  void metrics_expose_a_request_timer_by_route_method_and_status() {
    try (ApiServer api = new ApiServer(new InMemoryEdgeReader())) {
      api.get("/nodegraph/api/graph/data");
      api.get("/nodegraph/api/graph/data?from=x");
      api.get("/no/such/path/42");

      HttpResponse<String> r = api.get("/metrics");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(ApiServer.contentType(r)).startsWith("text/plain");
      assertThat(r.body())
          .contains("k8spacket_api_requests_seconds_count{method=\"GET\",route=\"/nodegraph/api/graph/data\","
              + "status=\"200\"} 1")
          .contains("k8spacket_api_requests_seconds_count{method=\"GET\",route=\"/nodegraph/api/graph/data\","
              + "status=\"400\"} 1")
          .contains("route=\"unmatched\",status=\"404\"} 1")
          .doesNotContain("/no/such/path/42");
    }
  }

  @Test
  void metrics_come_from_the_given_registry() {
    try (ApiServer api = new ApiServer(new InMemoryEdgeReader())) {
      api.registry.counter("k8spacket_test_marker").increment();

      assertThat(api.get("/metrics").body()).contains("k8spacket_test_marker_total 1.0");
    }
  }
}
