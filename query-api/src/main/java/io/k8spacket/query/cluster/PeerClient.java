package io.k8spacket.query.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.QueryApp;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsSessionSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a peer instance for its share of a store over the internal endpoints ({@code /internal/v1/...}), with
 * the caller's {@code Authorization} header, within one timeout for the whole answer. A peer that fails
 * (timeout, unreachable, a status other than 200, an unreadable body) completes the future with a
 * {@link PeerUnavailableException}, logs one line and counts {@value #FAILURES} with tags {@code peer} and
 * {@code reason} ({@code k8spacket_api_peer_failures_total} in Prometheus).
 *
 * <p>Example: {@code edges("10.0.0.2:6676", from, to, share, Optional.of("Bearer s3cret"))} sends {@code GET
 * http://10.0.0.2:6676/internal/v1/edges?from=…&to=…&partitions=1,3} and completes with its samples.
 */
public final class PeerClient {
  /** Counter of peer answers missing from a query. */
  public static final String FAILURES = "k8spacket.api.peer.failures";
  private static final Logger LOG = LoggerFactory.getLogger(PeerClient.class);

  private final Duration timeout;
  private final MeterRegistry registry;
  private final HttpClient http;

  public PeerClient(Duration timeout, MeterRegistry registry) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.registry = Objects.requireNonNull(registry, "registry");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  /** The peer's edge samples of its partitions in {@code [fromMs, toMs)}. */
  public CompletableFuture<List<EdgeSample>> edges(Share share, long fromMs, long toMs,
      Optional<String> authorization) {
    return get(share, QueryApp.INTERNAL_EDGES + "?from=" + fromMs + "&to=" + toMs + "&partitions="
        + share.partitionList(), PeerWire.EDGES, authorization);
  }

  /** The peer's TLS session samples of its partitions in {@code [fromMs, toMs)}. */
  public CompletableFuture<List<TlsSessionSample>> sessions(Share share, long fromMs, long toMs,
      Optional<String> authorization) {
    return get(share, QueryApp.INTERNAL_TLS_SESSIONS + "?from=" + fromMs + "&to=" + toMs + "&partitions="
        + share.partitionList(), PeerWire.SESSIONS, authorization);
  }

  /** The peer's certificate entries of its partitions; with a {@code key} (not null), only that one. */
  public CompletableFuture<List<CertificateView>> certificates(Share share, String key,
      Optional<String> authorization) {
    String query = "?partitions=" + share.partitionList()
        + (key == null ? "" : "&key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    return get(share, QueryApp.INTERNAL_CERTIFICATES + query, PeerWire.CERTIFICATES, authorization);
  }

  /** The configured bound on one peer's answer. */
  public Duration timeout() {
    return timeout;
  }

  private <T> CompletableFuture<List<T>> get(Share share, String pathAndQuery, TypeReference<List<T>> type,
      Optional<String> authorization) {
    String peer = share.peer();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + peer + pathAndQuery))
        .timeout(timeout)
        .GET();
    authorization.ifPresent(value -> request.header("Authorization", value));
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(failure(peer, "unreachable", "is unreachable: " + e, e));
    }
    return response
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((r, error) -> {
          if (error != null) {
            response.cancel(true);
            throw classify(peer, error);
          }
          if (r.statusCode() != 200) {
            throw failure(peer, "status", "answered HTTP " + r.statusCode(), null);
          }
          try {
            return PeerWire.read(r.body(), type);
          } catch (UncheckedIOException | IllegalArgumentException e) {
            throw failure(peer, "invalid", "sent an answer that is not the expected JSON", e);
          }
        });
  }

  private PeerUnavailableException classify(String peer, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
      return failure(peer, "timeout", "timed out after " + timeout.toMillis() + " ms", cause);
    }
    if (cause instanceof IOException) {
      return failure(peer, "unreachable", "is unreachable: " + cause.getClass().getSimpleName(), cause);
    }
    return failure(peer, "unreachable", "failed: " + cause, cause);
  }

  private PeerUnavailableException failure(String peer, String reason, String what, Throwable cause) {
    Counter.builder(FAILURES)
        .description("Peer instances whose share of a query's answer is missing (timed out, unreachable, refused)")
        .tag("peer", peer)
        .tag("reason", reason)
        .register(registry)
        .increment();
    String message = "peer " + peer + " " + what;
    LOG.warn("{}; its share of the stores is missing from the answer", message);
    return new PeerUnavailableException(peer, reason, message, cause);
  }
}
