package io.k8spacket.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.Fixtures;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.cluster.LocalPartitions;
import io.k8spacket.query.tls.TlsReader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The real app on a random port over a fake reader, with a clock fixed at T0 + 3 minutes, and a client. */
final class ApiServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.ofEpochMilli(Fixtures.T0 + 3 * Fixtures.MINUTE);

  final InMemoryEdgeReader reader;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final Javalin app;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  ApiServer(InMemoryEdgeReader reader) {
    this(reader, TlsReader.EMPTY, QueryApiConfig.defaults());
  }

  /** With a TLS reader too (and no edges unless added to {@link #reader}). */
  ApiServer(TlsReader tls) {
    this(new InMemoryEdgeReader(), tls, QueryApiConfig.defaults());
  }

  /** Both readers and the given settings (a token, CORS origins, limits); {@link #reader} is null for others. */
  ApiServer(EdgeReader edges, TlsReader tls, QueryApiConfig config) {
    this(edges, tls, null, config);
  }

  /** One instance of several: {@code local} (null for none) serves the internal routes peers call. */
  ApiServer(EdgeReader edges, TlsReader tls, LocalPartitions local, QueryApiConfig config) {
    this.reader = edges instanceof InMemoryEdgeReader inMemory ? inMemory : null;
    this.app = QueryApp.create(edges, tls, local, registry, config, Clock.fixed(NOW, ZoneOffset.UTC)).start(0);
  }

  int port() {
    return app.port();
  }

  /** The paths the app registered for {@code method}, from Javalin's router: what the API really serves. */
  Set<String> routes(HandlerType method) {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint)
        .filter(e -> e.method == method)
        .map(e -> e.path)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) {
    return send("GET", pathAndQuery, headers);
  }

  /** {@code headers} are name, value pairs. */
  HttpResponse<String> send(String method, String pathAndQuery, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      builder.headers(headers);
    }
    HttpRequest request = builder.build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  static String contentType(HttpResponse<String> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  @Override
  public void close() {
    app.stop();
  }
}
