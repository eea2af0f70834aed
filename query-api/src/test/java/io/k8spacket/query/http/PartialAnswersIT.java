package io.k8spacket.query.http;

import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;
import static io.k8spacket.query.Fixtures.sample;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryContext;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.InMemoryTlsReader;
import io.k8spacket.query.tls.TlsFixtures;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readers that answer for several instances get the caller's credentials to forward, and an answer that misses
 * a peer's share carries {@code X-K8spacket-Partial} while its body keeps the exact shape.
 */
class PartialAnswersIT {
  static final String TOKEN = "t0ken-for-peers";
  static final String RANGE = "from=" + T0 + "&to=" + (T0 + 3 * MINUTE);
  static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static ApiServer api;

  /** Answers one sample and reports a peer as missing, remembering the credentials it was given. */
  static final class HalfClusterEdges implements EdgeReader {
    @Override
    public List<EdgeSample> edges(long fromMs, long toMs) {
      throw new AssertionError("the handlers pass the query context");
    }

    @Override
    public List<EdgeSample> edges(long fromMs, long toMs, QueryContext context) {
      SEEN.add(context.authorization().orElse("-"));
      context.missing("peer 10.0.0.2:6676 timed out after 2000 ms");
      context.missing("peer 10.0.0.3:6676 is unreachable: ConnectException");
      return List.of(sample(0, FE_1, WEB_1, 3, 1, 300, 900, 60, 40));
    }
  }

  /** The TLS reader of the same half cluster. */
  static final class HalfClusterTls implements TlsReader {
    private final TlsReader held = new InMemoryTlsReader().add(TlsFixtures.WEB_TLS12).add(TlsFixtures.WEB_CERT);

    @Override
    public List<TlsSessionSample> sessions(long fromMs, long toMs) {
      throw new AssertionError("the handlers pass the query context");
    }

    @Override
    public Optional<CertificateView> certificate(String key) {
      throw new AssertionError("the handlers pass the query context");
    }

    @Override
    public List<CertificateView> certificates() {
      throw new AssertionError("the handlers pass the query context");
    }

    @Override
    public List<TlsSessionSample> sessions(long fromMs, long toMs, QueryContext context) {
      context.missing("peer 10.0.0.2:6676 timed out after 2000 ms");
      return held.sessions(fromMs, toMs);
    }

    @Override
    public Optional<CertificateView> certificate(String key, QueryContext context) {
      return held.certificate(key);
    }

    @Override
    public List<CertificateView> certificates(QueryContext context) {
      context.missing("peer 10.0.0.3:6676 answered HTTP 503");
      return held.certificates();
    }
  }

  @BeforeAll
  static void start() {
    api = new ApiServer(new HalfClusterEdges(), new HalfClusterTls(),
        QueryApiConfig.fromMap(Map.of(QueryApiConfig.TOKEN, TOKEN)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void the_graph_names_the_missing_peers_in_a_header_and_keeps_its_shape() {
    HttpResponse<String> r = api.get("/nodegraph/api/graph/data?" + RANGE, "Authorization", "Bearer " + TOKEN);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue(PartialAnswers.HEADER)).contains("peer 10.0.0.2:6676 timed out after 2000 ms;"
        + " peer 10.0.0.3:6676 is unreachable: ConnectException");
    assertThat(json(r).fieldNames()).toIterable().containsExactly("nodes", "edges");
    assertThat(json(r).get("edges").get(0).get("mainStat").asText()).isEqualTo("all: 3");
    assertThat(SEEN).contains("Bearer " + TOKEN);
  }

  @Test
  void connections_and_tls_routes_name_the_missing_peers_too() {
    String auth = "Bearer " + TOKEN;
    assertThat(api.get("/nodegraph/connections?" + RANGE, "Authorization", auth).headers()
        .firstValue(PartialAnswers.HEADER)).hasValueSatisfying(v -> assertThat(v).contains("10.0.0.3:6676"));
    assertThat(api.get("/tlsparser/api/data?" + RANGE, "Authorization", auth).headers()
        .firstValue(PartialAnswers.HEADER)).contains("peer 10.0.0.2:6676 timed out after 2000 ms");
    assertThat(api.get("/tlsparser/api/certificates?from=0", "Authorization", auth).headers()
        .firstValue(PartialAnswers.HEADER)).contains("peer 10.0.0.3:6676 answered HTTP 503");
    HttpResponse<String> details = api.get("/tlsparser/api/data/" + TlsApiIT.WEB_ID, "Authorization", auth);
    assertThat(details.statusCode()).isEqualTo(200);
    assertThat(details.headers().firstValue(PartialAnswers.HEADER)).isPresent();
  }

  @Test
  void a_complete_answer_has_no_partial_header() {
    try (ApiServer whole = new ApiServer(new io.k8spacket.query.InMemoryEdgeReader())) {
      assertThat(whole.get("/nodegraph/api/graph/data?" + RANGE).headers().firstValue(PartialAnswers.HEADER))
          .isEmpty();
    }
  }
}
