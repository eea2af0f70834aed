package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static io.k8spacket.query.tls.TlsFixtures.WEB_CERT;
import static io.k8spacket.query.tls.TlsFixtures.WEB_TLS12;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.InMemoryTlsReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API with a bearer token configured: every data route refuses without it, health and metrics stay open. */
class AuthApiIT {
  static final String TOKEN = "k8sp-Sup3r.Secret_token~42";
  static final Set<String> OPEN = Set.of(QueryApp.HEALTH, QueryApp.METRICS);
  private static ApiServer api;
  private static List<String> dataRoutes;

  @BeforeAll
  static void start() {
    InMemoryEdgeReader edges = new InMemoryEdgeReader().add(sample(0, FE_1, WEB_1, 1, 0, 10, 20, 5, 5));
    InMemoryTlsReader tls = new InMemoryTlsReader().add(WEB_TLS12).add(WEB_CERT);
    api = new ApiServer(edges, tls, QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN, TOKEN)));
    dataRoutes = api.routes(HandlerType.GET).stream().filter(p -> !OPEN.contains(p))
        .map(p -> p.replace("{id}", TlsApiIT.WEB_ID))
        .toList();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static void assertRefused(HttpResponse<String> r, String message, String challenge) {
    assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(401);
    assertThat(contentType(r)).startsWith("application/json");
    assertThat(json(r).get("error").asText()).isEqualTo(message);
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains(challenge);
    assertThat(r.body()).doesNotContain(TOKEN);
  }

  @Test
  void the_data_routes_are_the_registered_routes_but_health_and_metrics() {
    assertThat(dataRoutes).contains(QueryApp.GRAPH_DATA, QueryApp.GRAPH_FIELDS, QueryApp.CONNECTIONS,
        QueryApp.TLS_DATA, QueryApp.TLS_CERTIFICATES, QueryApp.OPENAPI, "/tlsparser/api/data/" + TlsApiIT.WEB_ID)
        .hasSize(api.routes(HandlerType.GET).size() - 2);
  }

  @Test
  void every_data_route_refuses_a_request_without_the_token() {
    for (String route : dataRoutes) {
      assertRefused(api.get(route), "missing bearer token: send the header 'Authorization: Bearer <token>'",
          "Bearer realm=\"k8spacket\"");
    }
  }

  @Test
  void every_data_route_refuses_a_wrong_token_or_another_scheme() {
    for (String route : dataRoutes) {
      assertRefused(api.get(route, "Authorization", "Bearer " + TOKEN + "x"), "invalid bearer token",
          "Bearer realm=\"k8spacket\", error=\"invalid_token\"");
      assertRefused(api.get(route, "Authorization", "Bearer " + TOKEN.substring(1)), "invalid bearer token",
          "Bearer realm=\"k8spacket\", error=\"invalid_token\"");
      assertRefused(api.get(route, "Authorization", "Bearer"), "the Authorization header must use the Bearer scheme",
          "Bearer realm=\"k8spacket\"");
      assertRefused(api.get(route, "Authorization", "Basic " + TOKEN),
          "the Authorization header must use the Bearer scheme", "Bearer realm=\"k8spacket\"");
      assertRefused(api.get(route, "Authorization", TOKEN), "the Authorization header must use the Bearer scheme",
          "Bearer realm=\"k8spacket\"");
    }
  }

  @Test
  void every_data_route_answers_with_the_token() {
    for (String route : dataRoutes) {
      HttpResponse<String> r = api.get(route, "Authorization", "Bearer " + TOKEN);
      assertThat(r.statusCode()).as(route + " " + r.body()).isEqualTo(200);
      assertThat(api.get(route, "Authorization", "bearer " + TOKEN).statusCode()).as(route).isEqualTo(200);
    }
  }

  @Test
  void health_and_metrics_stay_open() {
    for (String route : OPEN) {
      assertThat(api.get(route).statusCode()).as(route).isEqualTo(200);
      assertThat(api.get(route, "Authorization", "Bearer wrong").statusCode()).as(route).isEqualTo(200);
    }
  }

  @Test
  void a_cors_preflight_needs_no_token_but_head_does() {
    for (String route : dataRoutes) {
      HttpResponse<String> preflight = api.send("OPTIONS", route, "Origin", "https://grafana.example.com",
          "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
      assertThat(preflight.statusCode()).as(route).isEqualTo(204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
          .contains("Authorization");
      assertThat(api.send("HEAD", route).statusCode()).as(route).isEqualTo(401);
    }
  }

  @Test
  void other_paths_and_spellings_of_the_open_paths_need_the_token() {
    assertThat(api.get("/nodegraph/api/nothing").statusCode()).isEqualTo(401);
    assertThat(api.get("/metrics/").statusCode()).isEqualTo(200);
    assertThat(RawHttp.send(api.port(), "GET /metric%73 HTTP/1.1").status()).isIn(400, 401);
    assertThat(RawHttp.send(api.port(), "GET //metrics HTTP/1.1").status()).isIn(400, 401);
  }

  /**
   * Our loggers at TRACE, the others (Jetty, Javalin) at INFO: Jetty's own DEBUG ({@code HttpParser}) prints
   * every request header, token included, so the README says never to run {@code org.eclipse.jetty} at DEBUG.
   */
  @Test
  void the_token_never_reaches_the_log() {
    List<String> bodies = new ArrayList<>();
    try (LogCapture log = new LogCapture(Level.TRACE, Level.INFO)) {
      for (String route : dataRoutes) {
        bodies.add(api.get(route).body());
        bodies.add(api.get(route, "Authorization", "Bearer " + TOKEN).body());
        bodies.add(api.get(route + "?from=x", "Authorization", "Bearer " + TOKEN).body());
        bodies.add(api.get(route, "Authorization", "Bearer " + TOKEN + "-wrong").body());
      }
      bodies.add(api.get(QueryApp.METRICS).body());

      assertThat(log.lines()).as("our 401 and 400 lines are captured").anyMatch(l -> l.contains("401 GET"))
          .anyMatch(l -> l.contains("400 GET"));
      assertThat(log.lines()).noneMatch(l -> l.contains(TOKEN)).noneMatch(l -> l.contains("Sup3r"));
    }
    assertThat(bodies).noneMatch(b -> b.contains("Sup3r"));
  }

  @Test
  void a_token_from_a_file_works_the_same(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    try (ApiServer fromFile = new ApiServer(new InMemoryEdgeReader(), new InMemoryTlsReader(),
        QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN_FILE, file.toString())))) {
      assertThat(fromFile.get(QueryApp.CONNECTIONS).statusCode()).isEqualTo(401);
      assertThat(fromFile.get(QueryApp.CONNECTIONS, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
      assertThat(fromFile.get(QueryApp.HEALTH).statusCode()).isEqualTo(200);
    }
  }
}
