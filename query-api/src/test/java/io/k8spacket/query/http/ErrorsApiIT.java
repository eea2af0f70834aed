package io.k8spacket.query.http;

import static io.k8spacket.query.http.ApiServer.JSON;
import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.StoreUnavailableException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorsApiIT {
  private final InMemoryEdgeReader reader = new InMemoryEdgeReader();
  private final ApiServer api = new ApiServer(reader);

  @AfterEach
  void stop() {
    api.close();
  }

  private void assertError(HttpResponse<String> r, int status, String message) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(contentType(r)).startsWith("application/json");
    assertThat(json(r)).isEqualTo(JSON.createObjectNode().put("error", message));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "from=yesterday | parameter 'from' must be an integer (epoch milliseconds), was 'yesterday'",
      "to=12.5 | parameter 'to' must be an integer (epoch milliseconds), was '12.5'",
      "from=-5 | parameter 'from' must not be negative, was -5",
      "from=1717000000 | parameter 'from' looks like epoch seconds (1717000000); send epoch milliseconds",
      "to=1717021600 | parameter 'to' looks like epoch seconds (1717021600); send epoch milliseconds",
      "from=1717021600000&to=1717000000000 | parameter 'from' (1717021600000) must not be after parameter 'to' (1717000000000)",
      "group-by=deployment | parameter 'group-by' must be one of ip, pod, workload, service, namespace, was 'deployment'",
  })
  void bad_parameters_are_400_with_a_json_error_naming_the_parameter(String query, String message) {
    assertError(api.get("/nodegraph/connections?" + query), 400, message);
    assertError(api.get("/nodegraph/api/graph/data?" + query), 400, message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"include, %28web", "exclude, a%28%3F%3Db%29", "namespace, %5B"})
  void invalid_regular_expressions_are_400_naming_the_parameter(String param, String encodedRegex) {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/data?" + param + "=" + encodedRegex);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(contentType(r)).startsWith("application/json");
    assertThat(json(r).get("error").asText())
        .startsWith("parameter '" + param + "' is not a valid RE2 regular expression: ");
  }

  @Test
  void over_long_parameters_are_400() {
    assertError(api.get("/nodegraph/api/graph/data?exclude=" + "x".repeat(1001)), 400,
        "parameter 'exclude' is longer than 1000 characters");
  }

  @Test
  void a_bad_request_still_allows_any_origin_on_graph_data() {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/data?from=x");

    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
  }

  @Test
  void unknown_paths_are_404_json() {
    assertError(api.get("/nodegraph/api/nothing"), 404, "no route for GET /nodegraph/api/nothing");
  }

  @Test
  void wrong_methods_are_405_json() {
    assertError(api.send("POST", "/nodegraph/api/graph/data"), 405,
        "method POST not allowed on /nodegraph/api/graph/data");
    assertError(api.send("DELETE", "/nodegraph/connections"), 405,
        "method DELETE not allowed on /nodegraph/connections");
  }

  @Test
  void an_unavailable_store_is_503_json_with_retry_after() {
    reader.failWith(new StoreUnavailableException("rebalancing", null));

    HttpResponse<String> r = api.get("/nodegraph/api/graph/data");

    assertError(r, 503, "store unavailable, retry later: rebalancing");
    assertThat(r.headers().firstValue("Retry-After")).contains("5");
    assertError(api.get("/nodegraph/connections"), 503, "store unavailable, retry later: rebalancing");
  }

  @Test
  void an_unexpected_failure_is_500_json_without_details() {
    reader.failWith(new IllegalStateException("boom"));

    assertError(api.get("/nodegraph/connections"), 500, "internal error");
  }

  @Test
  void health_and_fields_do_not_touch_the_store() {
    reader.failWith(new StoreUnavailableException("starting", null));

    assertThat(api.get("/nodegraph/api/health").statusCode()).isEqualTo(200);
    assertThat(api.get("/nodegraph/api/graph/fields?stats-type=bytes").statusCode()).isEqualTo(200);
  }
}
