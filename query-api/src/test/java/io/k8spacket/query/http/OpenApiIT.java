package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.WEB_SVC;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.Fixtures.through;
import static io.k8spacket.query.http.ApiServer.JSON;
import static io.k8spacket.query.http.ApiServer.contentType;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.HandlerType;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /openapi.json} describes exactly the routes the app registers, with the parameters they read, and
 * real answers (fixtures in every shape) conform to its response schemas.
 */
class OpenApiIT {
  private static ApiServer api;
  private static JsonNode doc;

  @BeforeAll
  static void start() throws Exception {
    InMemoryEdgeReader edges = new InMemoryEdgeReader().add(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40),
        through(WEB_SVC, sample(1, FE_2, WEB_1, 1, 0, 100, 100, 10, 10)));
    api = new ApiServer(edges, TlsApiIT.TLS, QueryApiConfig.defaults());
    HttpResponse<String> r = api.get(QueryApp.OPENAPI);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    doc = JSON.readTree(r.body());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void is_openapi_3_0_served_verbatim_from_the_resource() throws Exception {
    assertThat(doc.get("openapi").asText()).startsWith("3.0.");
    assertThat(doc.at("/info/title").asText()).isNotBlank();
    try (InputStream in = QueryApp.class.getResourceAsStream("openapi.json")) {
      assertThat(JSON.readTree(in)).isEqualTo(doc);
    }
  }

  @Test
  void its_paths_are_exactly_the_registered_get_routes_each_also_answering_options() {
    Set<String> paths = new TreeSet<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);

    assertThat(paths).isEqualTo(api.routes(HandlerType.GET));
    assertThat(api.routes(HandlerType.OPTIONS)).isEqualTo(api.routes(HandlerType.GET));
    doc.get("paths").forEach(item -> assertThat(item.fieldNames()).toIterable().containsExactly("get"));
  }

  @Test
  void path_parameters_match_the_route_templates() {
    Pattern template = Pattern.compile("\\{([^}]+)}");
    doc.get("paths").fields().forEachRemaining(e -> {
      Set<String> inPath = new TreeSet<>();
      Matcher m = template.matcher(e.getKey());
      while (m.find()) {
        inPath.add(m.group(1));
      }
      assertThat(parameters(e.getValue().get("get"), "path")).as(e.getKey()).isEqualTo(inPath);
    });
  }

  /**
   * Each checkable parameter is probed with an invalid value on every route: a route answers 400 exactly when it
   * reads the parameter, which must then be declared (and undeclared otherwise).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"from, x", "to, x", "group-by, x", "namespace, %28", "include, %28", "exclude, %28"})
  void a_route_declares_a_query_parameter_exactly_when_it_reads_it(String name, String invalid) {
    doc.get("paths").fields().forEachRemaining(e -> {
      String path = e.getKey().replace("{id}", TlsApiIT.WEB_ID);
      boolean reads = api.get(path + "?" + name + "=" + invalid).statusCode() == 400;
      assertThat(parameters(e.getValue().get("get"), "query").contains(name)).as(e.getKey() + " " + name)
          .isEqualTo(reads);
    });
  }

  @Test
  void every_declared_query_parameter_is_one_the_api_knows() {
    Set<String> known = Set.of(QueryParams.NAMESPACE, QueryParams.INCLUDE, QueryParams.EXCLUDE, QueryParams.FROM,
        QueryParams.TO, QueryParams.GROUP_BY, QueryParams.STATS_TYPE);
    doc.get("paths").forEach(item -> assertThat(known).containsAll(parameters(item.get("get"), "query")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/nodegraph/api/health, 200",
      "/nodegraph/api/graph/fields?stats-type=bytes, 200",
      "/nodegraph/api/graph/fields, 200",
      "/nodegraph/api/graph/data, 200",
      "/nodegraph/api/graph/data?stats-type=duration&group-by=pod, 200",
      "/nodegraph/api/graph/data?from=x, 400",
      "/nodegraph/connections, 200",
      "/nodegraph/connections?group-by=service, 200",
      "/tlsparser/api/data, 200",
      "/tlsparser/api/data/" + TlsApiIT.WEB_ID + ", 200",
      "/tlsparser/api/data/" + TlsApiIT.DOT_ID + ", 200",
      "/tlsparser/api/data/nope, 404",
      "/tlsparser/api/certificates?from=0, 200",
      "/openapi.json, 200",
  })
  void real_answers_conform_to_the_declared_schema(String target, int status) {
    HttpResponse<String> r = api.get(target);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    String template = path.startsWith("/tlsparser/api/data/") ? QueryApp.TLS_DETAILS : path;
    JsonNode response = resolve(doc.at("/paths/" + pointer(template) + "/get/responses/" + status));
    assertThat(response.isMissingNode()).as(template + " declares " + status).isFalse();
    JsonNode media = response.get("content").get("application/json");
    assertThat(contentType(r)).startsWith("application/json");
    List<String> errors = new ArrayList<>();
    validate(media.get("schema"), readTree(r.body()), "$", errors);
    assertThat(errors).as(target).isEmpty();
  }

  @Test
  void data_routes_declare_the_partial_answer_header() {
    for (String path : List.of(QueryApp.GRAPH_DATA, QueryApp.CONNECTIONS, QueryApp.TLS_DATA, QueryApp.TLS_DETAILS,
        QueryApp.TLS_CERTIFICATES)) {
      JsonNode headers = doc.at("/paths/" + pointer(path) + "/get/responses/200/headers");
      assertThat(headers.has(PartialAnswers.HEADER)).as(path).isTrue();
    }
  }

  @Test
  void metrics_declare_the_prometheus_text_type() {
    JsonNode content = doc.at("/paths/" + pointer(QueryApp.METRICS) + "/get/responses/200/content");
    assertThat(content.fieldNames()).toIterable().containsExactly(QueryApp.PROMETHEUS_TEXT);
    assertThat(contentType(api.get(QueryApp.METRICS))).isEqualTo(QueryApp.PROMETHEUS_TEXT);
  }

  private static Set<String> parameters(JsonNode operation, String in) {
    Set<String> names = new TreeSet<>();
    operation.path("parameters").forEach(p -> {
      JsonNode param = resolve(p);
      if (param.get("in").asText().equals(in)) {
        names.add(param.get("name").asText());
      }
    });
    return names;
  }

  private static String pointer(String path) {
    return path.replace("~", "~0").replace("/", "~1");
  }

  private static JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) {
      node = doc.at(node.get("$ref").asText().substring(1));
    }
    return node;
  }

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /**
   * The subset of JSON Schema the document uses: type, nullable, properties, required, additionalProperties,
   * items, enum.
   */
  private static void validate(JsonNode schema, JsonNode value, String where, List<String> errors) {
    schema = resolve(schema);
    String type = schema.path("type").asText();
    if (value.isNull() && schema.path("nullable").asBoolean(false)) {
      return;
    }
    boolean ok = switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      default -> true;
    };
    if (!ok) {
      errors.add(where + ": expected " + type + ", was " + value.getNodeType());
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode option : schema.get("enum")) {
        listed |= option.equals(value);
      }
      if (!listed) {
        errors.add(where + ": " + value + " not in " + schema.get("enum"));
      }
    }
    if (type.equals("array")) {
      for (int i = 0; i < value.size(); i++) {
        validate(schema.get("items"), value.get(i), where + "[" + i + "]", errors);
      }
    }
    if (type.equals("object") && schema.has("properties")) {
      JsonNode properties = schema.get("properties");
      schema.path("required").forEach(name -> {
        if (!value.has(name.asText())) {
          errors.add(where + ": missing " + name.asText());
        }
      });
      for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (properties.has(name)) {
          validate(properties.get(name), value.get(name), where + "." + name, errors);
        } else if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean()) {
          errors.add(where + ": undeclared " + name);
        }
      }
    }
  }

  @Test
  void the_fixtures_cover_rows_certificates_and_nodes() {
    assertThat(readTree(api.get("/tlsparser/api/certificates?from=0").body())).isNotEmpty();
    assertThat(readTree(api.get("/nodegraph/connections").body())).hasSize(2);
    assertThat(readTree(api.get("/nodegraph/api/graph/data?from=" + T0 + "&to=" + (T0 + 5 * MINUTE)).body())
        .get("nodes")).isNotEmpty();
  }
}
