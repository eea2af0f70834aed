package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.javalin.http.HandlerType;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.cluster.InMemoryLocalPartitions;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsFixtures;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The internal routes peers call: local partitions only, exact records, the same token as every route. */
class InternalApiIT {
  static final String TOKEN = "peer-Token_1";
  static final String AUTH = "Bearer " + TOKEN;
  static final EdgeSample P0 = sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40);
  static final EdgeSample P1 = sample(1, FE_2, WEB_1, 1, 0, 100, 100, 10, 10);
  static final String RANGE = "from=" + T0 + "&to=" + (T0 + 3 * MINUTE);
  private static InMemoryLocalPartitions local;
  private static ApiServer api;

  @BeforeAll
  static void start() {
    local = new InMemoryLocalPartitions().add(0, P0).add(1, P1).add(1, TlsFixtures.WEB_TLS12)
        .add(0, TlsFixtures.WEB_CERT).add(1, TlsFixtures.GOOGLE_CERT);
    api = new ApiServer(new InMemoryEdgeReader(), TlsReader.EMPTY, local,
        QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN, TOKEN)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void edges_of_the_named_partitions_come_back_as_the_exact_records() {
    HttpResponse<String> r = api.get(QueryApp.INTERNAL_EDGES + "?partitions=1&" + RANGE, "Authorization", AUTH);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/json");
    assertThat(read(r, new TypeReference<List<EdgeSample>>() {})).containsExactly(P1);
    assertThat(read(api.get(QueryApp.INTERNAL_EDGES + "?partitions=0,1&" + RANGE, "Authorization", AUTH),
        new TypeReference<List<EdgeSample>>() {})).containsExactlyInAnyOrder(P0, P1);
    assertThat(read(api.get(QueryApp.INTERNAL_EDGES + "?partitions=0&from=" + (T0 + MINUTE) + "&to=" + (T0 + 2
        * MINUTE), "Authorization", AUTH), new TypeReference<List<EdgeSample>>() {})).isEmpty();
  }

  @Test
  void sessions_and_certificates_of_the_named_partitions_come_back_too() {
    assertThat(read(api.get(QueryApp.INTERNAL_TLS_SESSIONS + "?partitions=1&" + RANGE, "Authorization", AUTH),
        new TypeReference<List<TlsSessionSample>>() {})).containsExactly(TlsFixtures.WEB_TLS12);
    assertThat(read(api.get(QueryApp.INTERNAL_CERTIFICATES + "?partitions=0,1", "Authorization", AUTH),
        new TypeReference<List<CertificateView>>() {}))
        .containsExactlyInAnyOrder(TlsFixtures.WEB_CERT, TlsFixtures.GOOGLE_CERT);
    assertThat(read(api.get(QueryApp.INTERNAL_CERTIFICATES + "?partitions=0,1&key=142.250.74.78%3A443%7Cwww.google"
        + ".com", "Authorization", AUTH), new TypeReference<List<CertificateView>>() {}))
        .containsExactly(TlsFixtures.GOOGLE_CERT);
  }

  @Test
  void a_partition_not_active_here_is_a_503_never_a_guess() {
    HttpResponse<String> r = api.get(QueryApp.INTERNAL_EDGES + "?partitions=0,7&" + RANGE, "Authorization", AUTH);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).get("error").asText()).contains("partition 7");
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "'?from=0&to=1', partitions",
      "'?partitions=&from=0&to=1', partitions",
      "'?partitions=a&from=0&to=1', partitions",
      "'?partitions=-1&from=0&to=1', partitions",
      "'?partitions=0&to=1', from",
      "'?partitions=0&from=0', to",
      "'?partitions=0&from=x&to=1', from",
      "'?partitions=0&from=5&to=1', from"})
  void malformed_parameters_are_400_naming_the_parameter(String query, String parameter) {
    HttpResponse<String> r = api.get(QueryApp.INTERNAL_EDGES + query, "Authorization", AUTH);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("error").asText()).contains("'" + parameter + "'");
  }

  @Test
  void the_internal_routes_need_the_token_like_every_data_route() {
    for (String route : List.of(QueryApp.INTERNAL_EDGES, QueryApp.INTERNAL_TLS_SESSIONS,
        QueryApp.INTERNAL_CERTIFICATES)) {
      assertThat(api.get(route + "?partitions=0&" + RANGE).statusCode()).isEqualTo(401);
      assertThat(api.get(route + "?partitions=0&" + RANGE, "Authorization", "Bearer wrong").statusCode())
          .isEqualTo(401);
      assertThat(api.get(route + "?partitions=0&" + RANGE, "Authorization", AUTH).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_single_instance_has_no_internal_routes() {
    try (ApiServer single = new ApiServer(new InMemoryEdgeReader())) {
      assertThat(single.routes(HandlerType.GET)).noneMatch(p -> p.startsWith("/internal/"));
      assertThat(single.get(QueryApp.INTERNAL_EDGES + "?partitions=0&" + RANGE).statusCode()).isEqualTo(404);
    }
    assertThat(api.routes(HandlerType.GET)).contains(QueryApp.INTERNAL_EDGES, QueryApp.INTERNAL_TLS_SESSIONS,
        QueryApp.INTERNAL_CERTIFICATES);
  }

  private static <T> T read(HttpResponse<String> r, TypeReference<T> type) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      return ApiServer.JSON.readValue(r.body(), type);
    } catch (Exception e) {
      throw new AssertionError("not the expected records: " + r.body(), e);
    }
  }
}
