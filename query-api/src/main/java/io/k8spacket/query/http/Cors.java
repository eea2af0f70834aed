package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.javalin.http.Header;
import io.k8spacket.query.QueryApiConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS for browsers that read the API directly (Grafana's own datasources call it from its server, where CORS
 * plays no part). With {@code *} (the default, as the original sent on graph data) every answer carries
 * {@code Access-Control-Allow-Origin: *}; with a list, an allowed {@code Origin} is echoed with
 * {@code Vary: Origin} and others get no CORS header. A preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) from an allowed origin is answered 204 with GET/HEAD/OPTIONS and the
 * {@code Authorization} header allowed; credentials (cookies) are never allowed, none are used.
 */
public final class Cors {
  static final String METHODS = "GET, HEAD, OPTIONS";
  static final String HEADERS = "Authorization, Content-Type";
  static final String MAX_AGE_SECONDS = "600";

  private final boolean anyOrigin;
  private final Set<String> origins;

  public Cors(List<String> origins) {
    this.anyOrigin = origins.contains(QueryApiConfig.ANY_ORIGIN);
    this.origins = origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** Before-handler: the allow-origin header for this request's origin, on every answer (errors included). */
  public void headers(Context ctx) {
    if (anyOrigin) {
      ctx.header(Header.ACCESS_CONTROL_ALLOW_ORIGIN, QueryApiConfig.ANY_ORIGIN);
      return;
    }
    ctx.header(Header.VARY, Header.ORIGIN);
    String origin = ctx.header(Header.ORIGIN);
    if (allowed(origin)) {
      ctx.header(Header.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
  }

  /** The {@code OPTIONS} handler of every route: 204, {@code Allow}, and the preflight answer when allowed. */
  public void preflight(Context ctx) {
    ctx.header(Header.ALLOW, METHODS);
    if (ctx.header(Header.ACCESS_CONTROL_REQUEST_METHOD) != null && (anyOrigin || allowed(ctx.header(Header.ORIGIN)))) {
      ctx.header(Header.ACCESS_CONTROL_ALLOW_METHODS, METHODS);
      ctx.header(Header.ACCESS_CONTROL_ALLOW_HEADERS, HEADERS);
      ctx.header(Header.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    }
    ctx.status(204);
  }

  private boolean allowed(String origin) {
    return origin != null && origins.contains(origin.toLowerCase(Locale.ROOT));
  }
}
