package io.k8spacket.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.k8spacket.query.Fixtures;
import io.k8spacket.query.InMemoryEdgeReader;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.QueryApp;
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

/** The real app on a random port over a fake reader, with a clock fixed at T0 + 3 minutes, and a client. */
final class ApiServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.ofEpochMilli(Fixtures.T0 + 3 * Fixtures.MINUTE);

  final InMemoryEdgeReader reader;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Javalin app;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiServer(InMemoryEdgeReader reader) {
    this.reader = reader;
    this.app = QueryApp.create(reader, registry, QueryApiConfig.defaults(), Clock.fixed(NOW, ZoneOffset.UTC))
        .start(0);
  }

  /** With a TLS reader too (and no edges unless added to {@link #reader}). */
  ApiServer(TlsReader tls) {
    this.reader = new InMemoryEdgeReader();
    this.app = QueryApp.create(reader, tls, registry, QueryApiConfig.defaults(), Clock.fixed(NOW, ZoneOffset.UTC))
        .start(0);
  }

  HttpResponse<String> get(String pathAndQuery) {
    return send("GET", pathAndQuery);
  }

  HttpResponse<String> send(String method, String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
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
