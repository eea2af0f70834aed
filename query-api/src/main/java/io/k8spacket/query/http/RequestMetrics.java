package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One timer, {@code k8spacket_api_requests_seconds}, tagged by route template (bounded: unmatched paths are
 * {@code unmatched}), method (bounded: a method outside the standard ones is {@code other}, since a client may
 * send any token) and status.
 */
public final class RequestMetrics {
  public static final String TIMER = "k8spacket.api.requests";
  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT");

  private final MeterRegistry registry;

  public RequestMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Javalin's request-logger hook: called once per request with its duration in ms. */
  public void record(Context ctx, Float millis) {
    Timer.builder(TIMER)
        .description("Query API requests by route, method and status")
        .tag("route", route(ctx))
        .tag("method", method(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .register(registry)
        .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  private static String method(Context ctx) {
    String name = ctx.method().name();
    return STANDARD_METHODS.contains(name) ? name : "other";
  }

  private static String route(Context ctx) {
    if (ctx.statusCode() == 404) {
      return "unmatched";
    }
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    return endpoint == null ? "unmatched" : endpoint.path;
  }
}
