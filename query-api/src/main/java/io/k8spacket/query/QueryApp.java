package io.k8spacket.query;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.ContentType;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.k8spacket.query.cluster.LocalPartitions;
import io.k8spacket.query.http.BadRequestException;
import io.k8spacket.query.http.BearerAuth;
import io.k8spacket.query.http.ConnectionsHandler;
import io.k8spacket.query.http.Cors;
import io.k8spacket.query.http.ErrorHandlers;
import io.k8spacket.query.http.InternalHandlers;
import io.k8spacket.query.http.JettyLimits;
import io.k8spacket.query.http.NodeGraphHandlers;
import io.k8spacket.query.http.QueryParams;
import io.k8spacket.query.http.RequestGuards;
import io.k8spacket.query.http.RequestMetrics;
import io.k8spacket.query.http.TlsHandlers;
import io.k8spacket.query.http.UnauthorizedException;
import io.k8spacket.query.nodegraph.NodeGraphService;
import io.k8spacket.query.tls.TlsQueryService;
import io.k8spacket.query.tls.TlsReader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds the query API: every route in one place, returned unstarted. The process main calls
 * {@code QueryApp.create(edgeReader, tlsReader, registry, config).start(config.port())}; tests call
 * {@code start(0)}. The overloads without a {@link TlsReader} serve the TLS routes from an empty reader.
 *
 * <p>With several instances, the readers passed in are cluster readers (they ask peer instances for their share),
 * and {@link LocalPartitions} adds the internal routes those peers call ({@value #INTERNAL_EDGES},
 * {@value #INTERNAL_TLS_SESSIONS}, {@value #INTERNAL_CERTIFICATES}); a single instance has neither.
 */
public final class QueryApp {
  public static final String HEALTH = "/nodegraph/api/health";
  public static final String GRAPH_FIELDS = "/nodegraph/api/graph/fields";
  public static final String GRAPH_DATA = "/nodegraph/api/graph/data";
  public static final String CONNECTIONS = "/nodegraph/connections";
  public static final String METRICS = "/metrics";
  /** Prefix of the WebJars the built-in page loads (open even with a token: no data in them). */
  public static final String WEBJARS = "/webjars/";
  /** The original's TLS connections table (JSON API / Infinity datasource base URL). */
  public static final String TLS_DATA = "/tlsparser/api/data";
  /** One TLS connection's details and certificate. */
  public static final String TLS_DETAILS = "/tlsparser/api/data/{id}";
  /** Certificates seen in a range, soonest expiry first, with their client workloads. */
  public static final String TLS_CERTIFICATES = "/tlsparser/api/certificates";
  /** The OpenAPI 3.0 description of these routes. */
  public static final String OPENAPI = "/openapi.json";
  /** Internal: this instance's edge samples of some partitions, for a peer's fan-out. */
  public static final String INTERNAL_EDGES = "/internal/v1/edges";
  /** Internal: this instance's TLS session samples of some partitions. */
  public static final String INTERNAL_TLS_SESSIONS = "/internal/v1/tls-sessions";
  /** Internal: this instance's certificate entries of some partitions. */
  public static final String INTERNAL_CERTIFICATES = "/internal/v1/certificates";
  /** Where {@link #OPENAPI}'s body lives, next to this class. */
  static final String OPENAPI_RESOURCE = "openapi.json";
  /** Prometheus text exposition format 0.0.4, what {@code PrometheusMeterRegistry.scrape()} writes. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private QueryApp() {}

  /** The API with default settings and the system clock. */
  public static Javalin create(EdgeReader edges, PrometheusMeterRegistry registry) {
    return create(edges, registry, QueryApiConfig.defaults());
  }

  /** The API with the given settings and the system clock. */
  public static Javalin create(EdgeReader edges, PrometheusMeterRegistry registry, QueryApiConfig config) {
    return create(edges, registry, config, Clock.systemUTC());
  }

  /** The API; {@code clock} gives "now" for a query without {@code to}. The TLS routes answer empty. */
  public static Javalin create(EdgeReader edges, PrometheusMeterRegistry registry, QueryApiConfig config,
      Clock clock) {
    return create(edges, TlsReader.EMPTY, registry, config, clock);
  }

  /** The API over the edge and TLS stores, with the given settings and the system clock. */
  public static Javalin create(EdgeReader edges, TlsReader tls, PrometheusMeterRegistry registry,
      QueryApiConfig config) {
    return create(edges, tls, registry, config, Clock.systemUTC());
  }

  /**
   * The API over the edge and TLS stores; {@code clock} gives "now" (default {@code to}, days left). Every
   * request passes, in order: the read-only guard (405), CORS headers, the bearer token when one is configured
   * (401), the query-string encoding check (400); then its route, whose store query runs within
   * {@link QueryApiConfig#queryTimeoutMs()} (503). Jetty bounds threads, connections and header size, and answers
   * what it refuses itself (414, 431) in the same JSON.
   */
  public static Javalin create(EdgeReader edges, TlsReader tls, PrometheusMeterRegistry registry,
      QueryApiConfig config, Clock clock) {
    return create(edges, tls, null, registry, config, clock);
  }

  /**
   * The API of one instance among several: {@code edges} and {@code tls} answer for the whole cluster, and
   * {@code local} (null for a single instance) serves this instance's partitions to its peers on the internal
   * routes, behind the same token.
   */
  public static Javalin create(EdgeReader edges, TlsReader tls, LocalPartitions local,
      PrometheusMeterRegistry registry, QueryApiConfig config, Clock clock) {
    QueryExecutor executor = new QueryExecutor(config.maxThreads(), Duration.ofMillis(config.queryTimeoutMs()));
    EdgeQueryService queries = new EdgeQueryService(edges);
    QueryParams params = new QueryParams(config, clock);
    NodeGraphHandlers nodeGraph = new NodeGraphHandlers(new NodeGraphService(queries, tls), params, executor);
    ConnectionsHandler connections = new ConnectionsHandler(queries, params, executor);
    TlsHandlers tlsHandlers = new TlsHandlers(new TlsQueryService(tls), params, clock, executor);
    RequestMetrics metrics = new RequestMetrics(registry);
    ErrorHandlers errors = new ErrorHandlers(config.retryAfterSeconds());
    Cors cors = new Cors(config.corsOrigins());
    byte[] openApi = openApi();
    return Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.http.prefer405over404 = true;
      JettyLimits.apply(cfg.jetty, config);
      cfg.events.serverStopped(executor::close);
      cfg.requestLogger.http(metrics::record);
      cfg.routes.before(RequestGuards::readOnly);
      cfg.routes.before(cors::headers);
      config.token().ifPresent(token -> cfg.routes.before(
          new BearerAuth(token, Set.of(HEALTH, METRICS, "/", "/index.html", "/k8spacket.js", "/k8spacket.css"),
              Set.of(WEBJARS))::check));
      // the built-in page (classpath /public, at /) and its graph library (a WebJar): static, no data in them
      cfg.staticFiles.add("/public", Location.CLASSPATH);
      if (QueryApp.class.getClassLoader().getResource("META-INF/resources/webjars") != null) {
        cfg.staticFiles.enableWebjars(); // Javalin refuses to start when no WebJar is on the classpath
      }
      cfg.routes.before(RequestGuards::wellFormedQuery);
      Map<String, Handler> routes = new LinkedHashMap<>();
      routes.put(HEALTH, nodeGraph::health);
      routes.put(GRAPH_FIELDS, nodeGraph::fields);
      routes.put(GRAPH_DATA, nodeGraph::data);
      routes.put(CONNECTIONS, connections::list);
      routes.put(TLS_DATA, tlsHandlers::connections);
      routes.put(TLS_DETAILS, tlsHandlers::details);
      routes.put(TLS_CERTIFICATES, tlsHandlers::certificates);
      routes.put(METRICS, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
      routes.put(OPENAPI, ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result(openApi));
      if (local != null) {
        // peers' reads get threads of their own: user queries waiting for peers never starve the peers' reads
        QueryExecutor peerReads = new QueryExecutor(config.maxThreads(), Duration.ofMillis(config.queryTimeoutMs()));
        cfg.events.serverStopped(peerReads::close);
        InternalHandlers internal = new InternalHandlers(local, peerReads);
        routes.put(INTERNAL_EDGES, internal::edges);
        routes.put(INTERNAL_TLS_SESSIONS, internal::sessions);
        routes.put(INTERNAL_CERTIFICATES, internal::certificates);
      }
      routes.forEach((path, handler) -> cfg.routes.get(path, handler).options(path, cors::preflight));
      cfg.routes.exception(BadRequestException.class, errors::badRequest);
      cfg.routes.exception(UnauthorizedException.class, errors::unauthorized);
      cfg.routes.exception(StoreUnavailableException.class, errors::unavailable);
      cfg.routes.exception(QueryTimeoutException.class, errors::timeout);
      cfg.routes.exception(Exception.class, errors::unexpected);
      cfg.routes.error(HttpStatus.NOT_FOUND, errors::status);
      cfg.routes.error(HttpStatus.METHOD_NOT_ALLOWED, errors::status);
    });
  }

  /** The OpenAPI description, read once from the jar; its paths are tested equal to the routes above. */
  private static byte[] openApi() {
    try (InputStream in = QueryApp.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(OPENAPI_RESOURCE, e);
    }
  }
}
