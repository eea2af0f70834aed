package io.k8spacket.query.http;

import static io.k8spacket.query.http.ApiServer.contentType;
import static io.k8spacket.query.http.ApiServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A store that hangs: the request answers 503 at the deadline, threads stay bounded, and the API recovers. */
class QueryTimeoutIT {
  static final int THREADS = 4;
  static final QueryApiConfig CONFIG = QueryApiConfig.fromMap(Map.of(QueryApiConfig.QUERY_TIMEOUT_MS, "300",
      QueryApiConfig.MAX_THREADS, Integer.toString(THREADS), QueryApiConfig.RETRY_AFTER_SECONDS, "7"));

  /** Hangs every call while closed; remembers the threads that ran it. An interrupt ends the wait. */
  static final class HungStore implements EdgeReader, TlsReader {
    final CountDownLatch open = new CountDownLatch(1);
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    private void hang() {
      threads.add(Thread.currentThread());
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }

    @Override
    public List<EdgeSample> edges(long fromMs, long toMs) {
      hang();
      return List.of();
    }

    @Override
    public List<TlsSessionSample> sessions(long fromMs, long toMs) {
      hang();
      return List.of();
    }

    @Override
    public Optional<CertificateView> certificate(String key) {
      hang();
      return Optional.empty();
    }

    @Override
    public List<CertificateView> certificates() {
      hang();
      return List.of();
    }
  }

  private final HungStore store = new HungStore();
  private final ApiServer api = new ApiServer(store, store, CONFIG);

  @AfterEach
  void stop() {
    store.open.countDown();
    api.close();
  }

  @Test
  void every_store_route_answers_503_json_with_retry_after_at_the_deadline() {
    for (String route : List.of(QueryApp.GRAPH_DATA, QueryApp.CONNECTIONS, QueryApp.TLS_DATA,
        QueryApp.TLS_CERTIFICATES, "/tlsparser/api/data/" + TlsApiIT.WEB_ID)) {
      HttpResponse<String> r = api.get(route);

      assertThat(r.statusCode()).as(route).isEqualTo(503);
      assertThat(contentType(r)).startsWith("application/json");
      assertThat(r.headers().firstValue("Retry-After")).contains("7");
      assertThat(json(r).get("error").asText()).startsWith("query not answered in time, retry later: ");
    }
  }

  @Test
  void routes_that_do_not_query_stay_answered_while_the_store_hangs() {
    api.get(QueryApp.CONNECTIONS);

    assertThat(api.get(QueryApp.HEALTH).statusCode()).isEqualTo(200);
    assertThat(api.get(QueryApp.GRAPH_FIELDS).statusCode()).isEqualTo(200);
    assertThat(api.get(QueryApp.METRICS).body()).contains("status=\"503\"");
  }

  @Test
  void many_hung_queries_never_use_more_threads_than_the_bound_and_the_api_recovers() {
    for (int i = 0; i < 3 * THREADS; i++) {
      assertThat(api.get(QueryApp.CONNECTIONS).statusCode()).isEqualTo(503);
    }
    assertThat(store.threads).hasSizeLessThanOrEqualTo(THREADS);

    store.open.countDown();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(api.get(QueryApp.CONNECTIONS).statusCode()).isEqualTo(200));
    assertThat(api.get(QueryApp.GRAPH_DATA).body()).isEqualTo("{\"nodes\":[],\"edges\":[]}");
  }

  @Test
  void stopping_the_api_interrupts_and_ends_the_hung_query_threads() {
    for (int i = 0; i < THREADS; i++) {
      api.get(QueryApp.TLS_DATA);
    }
    assertThat(store.threads).isNotEmpty();

    api.close();

    await().atMost(Duration.ofSeconds(30)).until(() -> store.threads.stream().noneMatch(Thread::isAlive));
  }
}
