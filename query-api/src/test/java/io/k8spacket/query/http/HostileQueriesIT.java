package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.pod;
import static io.k8spacket.query.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.InMemoryTlsReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed, oversized and hostile requests over real sockets: each gets a 4xx JSON error (or the right answer,
 * for linear-time regexes over long names), and the server answers its health check after every one.
 */
class HostileQueriesIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String A_5000 = "a".repeat(5000);
  static final String X_5000 = "x".repeat(5000) + "!";
  static final EndpointView LONG_A = pod("10.0.5.1", "long", A_5000, A_5000);
  static final EndpointView LONG_X = pod("10.0.5.2", "long", X_5000, X_5000);
  static final String RANGE = "from=" + T0 + "&to=" + (T0 + 600_000);
  private static ApiServer api;

  @BeforeAll
  static void start() {
    InMemoryEdgeReader edges = new InMemoryEdgeReader().add(sample(0, FE_1, WEB_1, 1, 0, 10, 20, 5, 5),
        sample(1, LONG_A, WEB_1, 2, 0, 10, 20, 5, 5), sample(2, LONG_X, WEB_1, 3, 0, 10, 20, 5, 5));
    api = new ApiServer(edges, new InMemoryTlsReader(), QueryApiConfig.defaults());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @AfterEach
  void the_server_stays_healthy() {
    RawHttp.Response health = RawHttp.send(api.port(), "GET " + QueryApp.HEALTH + " HTTP/1.1");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  private static RawHttp.Response get(String target) {
    return RawHttp.send(api.port(), "GET " + target + " HTTP/1.1");
  }

  private static JsonNode json(RawHttp.Response r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + r.body(), e);
    }
  }

  /** A 4xx with a JSON {"error": …} body and the JSON content type; returns the message. */
  private static String error(RawHttp.Response r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = json(r);
    assertThat(body.size()).isEqualTo(1);
    return body.get("error").asText();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void a_value_over_the_parameter_limit_is_400_and_a_request_line_over_the_header_limit_is_414() {
    assertThat(error(get(QueryApp.CONNECTIONS + "?include=" + "a".repeat(1001)), 400))
        .isEqualTo("parameter 'include' is longer than 1000 characters");
    assertThat(error(get(QueryApp.CONNECTIONS + "?include=" + "a".repeat(20_000)), 414))
        .isEqualTo("request URI too long");
    assertThat(error(get("/" + "n".repeat(100_000)), 414)).isEqualTo("request URI too long");
  }

  @Test
  void headers_over_the_limit_are_431() {
    RawHttp.Response r = RawHttp.send(api.port(), "GET " + QueryApp.CONNECTIONS + " HTTP/1.1",
        "X-Padding: " + "p".repeat(10_000));
    assertThat(error(r, 431)).isEqualTo("request headers too large");
    String many = IntStream.range(0, 2000).mapToObj(i -> "X-H" + i + ": v").collect(Collectors.joining("\r\n"));
    assertThat(error(RawHttp.send(api.port(), "GET " + QueryApp.CONNECTIONS + " HTTP/1.1", many), 431))
        .isEqualTo("request headers too large");
  }

  @ParameterizedTest
  @ValueSource(strings = {"include=%zz", "include=%", "include=web%4", "namespace=%%41", "exclude=%E0%A4",
      "include=%C0%AF", "include=%FF", "from=%ED%A0%80"})
  void invalid_percent_encoding_in_the_query_is_400(String query) {
    assertThat(error(get(QueryApp.GRAPH_DATA + "?" + query), 400)).startsWith("the query string ");
    assertThat(error(get(QueryApp.CONNECTIONS + "?" + query), 400)).startsWith("the query string ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nodegraph/%zz", "/nodegraph/api/health%", "/nodegraph/%00/x", "/a%2F..%2F..%2Fetc",
      "/tlsparser/api/data/%00"})
  void invalid_or_ambiguous_paths_are_4xx_json(String path) {
    RawHttp.Response r = get(path);
    assertThat(r.status()).as(r.body()).isBetween(400, 404);
    assertThat(r.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(json(r).has("error")).isTrue();
  }

  @Test
  void a_repeated_parameter_counts_with_its_first_value_as_in_the_original() throws Exception {
    String first = "group-by=ip&" + RANGE;
    JsonNode expected = json(get(QueryApp.CONNECTIONS + "?" + first));

    assertThat(json(get(QueryApp.CONNECTIONS + "?" + first + "&group-by=bogus&group-by=pod"))).isEqualTo(expected);
    assertThat(json(get(QueryApp.CONNECTIONS + "?" + first + "&from=" + (T0 + 500_000)))).isEqualTo(expected);
    String many = IntStream.range(0, 600).mapToObj(i -> "namespace=").collect(Collectors.joining("&"));
    assertThat(json(get(QueryApp.CONNECTIONS + "?" + first + "&" + many))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"from=abc", "from=-1", "to=-9223372036854775808", "from=9223372036854775808",
      "to=99999999999999999999999", "from=1e12", "from=0x10", "from=%201717000000000", "to=1717000000000.0",
      "from=1717000000", "from=1717021600000&to=1717000000000", "to=NaN", "from=--1"})
  void non_numeric_negative_overflowing_or_reversed_times_are_400(String query) {
    String message = error(get(QueryApp.CONNECTIONS + "?" + query), 400);
    assertThat(message).matches("parameter '(from|to)' .*");
    assertThat(error(get(QueryApp.TLS_DATA + "?" + query), 400)).isEqualTo(message);
    assertThat(error(get(QueryApp.TLS_CERTIFICATES + "?" + query), 400)).isEqualTo(message);
  }

  @Test
  void the_largest_times_are_accepted() {
    RawHttp.Response r = get(QueryApp.CONNECTIONS + "?from=9223372036854775807&to=9223372036854775807");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[]");
    assertThat(get(QueryApp.GRAPH_DATA + "?to=9223372036854775807").status()).isEqualTo(200);
  }

  @Test
  void a_catastrophic_regex_against_long_names_is_answered_correctly() {
    JsonNode rows = json(get(QueryApp.CONNECTIONS + "?" + RANGE + "&include=" + enc("(a+)+$")));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("src").asText()).isEqualTo("long/" + A_5000);
    assertThat(rows.get(0).get("connCount").asLong()).isEqualTo(2);

    assertThat(json(get(QueryApp.CONNECTIONS + "?" + RANGE + "&include=" + enc("(x+x+)+y")))).isEmpty();
    assertThat(json(get(QueryApp.CONNECTIONS + "?" + RANGE + "&exclude=" + enc("(x+x+)+y")))).hasSize(3);
    assertThat(json(get(QueryApp.CONNECTIONS + "?" + RANGE + "&include=" + enc("^(a|aa)+$")))).hasSize(1);
    assertThat(json(get(QueryApp.CONNECTIONS + "?" + RANGE + "&namespace=" + enc("(.*.*)*long$")))).hasSize(2);
    JsonNode graph = json(get(QueryApp.GRAPH_DATA + "?" + RANGE + "&include=" + enc("(x+x+)+!")));
    assertThat(graph.get("edges")).hasSize(1);
    assertThat(graph.get("nodes")).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"(a{1000}){1000}", "((a{100}){100}){100}", "(?:(?:a{1000}){1000}){1000}",
      "[\\x{0}-\\x{10FFFF}]{1000}{1000}"})
  void a_regex_that_would_expand_past_the_limit_is_400(String regex) {
    assertThat(error(get(QueryApp.CONNECTIONS + "?include=" + enc(regex)), 400))
        .startsWith("parameter 'include' is too large a regular expression");
  }

  @ParameterizedTest
  @ValueSource(strings = {"(a", "a(?=b)", "(a)\\1", "*", "a{1001}", "\\", "[z-a]"})
  void an_invalid_regex_is_400(String regex) {
    assertThat(error(get(QueryApp.GRAPH_DATA + "?exclude=" + enc(regex)), 400))
        .startsWith("parameter 'exclude' is not a valid RE2 regular expression");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nope", "/nodegraph", "/nodegraph/api", "/nodegraph/api/graph/data/extra",
      "/NODEGRAPH/API/HEALTH", "/tlsparser/api/data/a/b", "/metrics.txt", "/openapi.yaml", "/favicon.ico"})
  void unknown_paths_are_404_json(String path) {
    assertThat(error(get(path), 404)).isEqualTo("no route for GET " + path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO"})
  void methods_other_than_get_head_and_options_are_405_json_on_every_path(String method) {
    for (String path : new String[] {QueryApp.GRAPH_DATA, QueryApp.HEALTH, QueryApp.METRICS, "/nope"}) {
      RawHttp.Response r = RawHttp.send(api.port(), method + " " + path + " HTTP/1.1", "Content-Length: 0");
      assertThat(error(r, 405)).isEqualTo("method " + method + " not allowed on " + path);
      assertThat(r.header("Allow")).contains("GET, HEAD, OPTIONS");
    }
  }

  @Test
  void head_answers_the_headers_of_get_without_a_body() {
    RawHttp.Response r = RawHttp.send(api.port(), "HEAD " + QueryApp.CONNECTIONS + "?" + RANGE + " HTTP/1.1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAAA", "not-base64!", "MTAuMC4wLjF8", "-_-_", "%F0%9F%98%80", "%2E%2E"})
  void hostile_tls_ids_are_404_json(String id) {
    assertThat(error(get(QueryApp.TLS_DATA + "/" + id), 404)).startsWith("no TLS connection with id '");
  }

  @Test
  void an_id_of_the_longest_request_line_is_404_and_longer_is_414() {
    assertThat(error(get(QueryApp.TLS_DATA + "/" + "A".repeat(7000)), 404)).startsWith("no TLS connection");
    assertThat(error(get(QueryApp.TLS_DATA + "/" + "A".repeat(9000)), 414)).isEqualTo("request URI too long");
  }

  @Test
  void garbage_on_the_wire_is_answered_400_json() {
    for (String line : new String[] {"GARBAGE", "GET", "GET /nodegraph/api/health HTTP/9.9",
        "GET /nodegraph/api/health\u0000 HTTP/1.1", "GET http://evil.example/nodegraph/api/health HTTP/1.1"}) {
      RawHttp.Response r = RawHttp.send(api.port(), line);
      assertThat(r.status()).as(line).isBetween(400, 505);
      assertThat(r.header("Content-Type")).as(line)
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }
  }
}
