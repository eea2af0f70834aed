package io.k8spacket.query;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.k8spacket.query.http.BadRequestException;
import io.k8spacket.query.http.ConnectionsHandler;
import io.k8spacket.query.http.ErrorHandlers;
import io.k8spacket.query.http.NodeGraphHandlers;
import io.k8spacket.query.http.QueryParams;
import io.k8spacket.query.http.RequestMetrics;
import io.k8spacket.query.http.TlsHandlers;
import io.k8spacket.query.nodegraph.NodeGraphService;
import io.k8spacket.query.tls.TlsQueryService;
import io.k8spacket.query.tls.TlsReader;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * Builds the query API: every route in one place, returned unstarted. The process main calls
 * {@code QueryApp.create(edgeReader, tlsReader, registry, config).start(config.port())}; tests call
 * {@code start(0)}. The overloads without a {@link TlsReader} serve the TLS routes from an empty reader.
 */
public final class QueryApp {
  public static final String HEALTH = "/nodegraph/api/health";
  public static final String GRAPH_FIELDS = "/nodegraph/api/graph/fields";
  public static final String GRAPH_DATA = "/nodegraph/api/graph/data";
  public static final String CONNECTIONS = "/nodegraph/connections";
  public static final String METRICS = "/metrics";
  /** The original's TLS connections table (JSON API / Infinity datasource base URL). */
  public static final String TLS_DATA = "/tlsparser/api/data";
  /** One TLS connection's details and certificate. */
  public static final String TLS_DETAILS = "/tlsparser/api/data/{id}";
  /** Certificates seen in a range, soonest expiry first, with their client workloads. */
  public static final String TLS_CERTIFICATES = "/tlsparser/api/certificates";
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

  /** The API over the edge and TLS stores; {@code clock} gives "now" (default {@code to}, days left). */
  public static Javalin create(EdgeReader edges, TlsReader tls, PrometheusMeterRegistry registry,
      QueryApiConfig config, Clock clock) {
    EdgeQueryService queries = new EdgeQueryService(edges);
    QueryParams params = new QueryParams(config, clock);
    NodeGraphHandlers nodeGraph = new NodeGraphHandlers(new NodeGraphService(queries), params);
    ConnectionsHandler connections = new ConnectionsHandler(queries, params);
    TlsHandlers tlsHandlers = new TlsHandlers(new TlsQueryService(tls), params, clock);
    RequestMetrics metrics = new RequestMetrics(registry);
    ErrorHandlers errors = new ErrorHandlers(config.retryAfterSeconds());
    return Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.http.prefer405over404 = true;
      cfg.requestLogger.http(metrics::record);
      cfg.routes.get(HEALTH, nodeGraph::health);
      cfg.routes.get(GRAPH_FIELDS, nodeGraph::fields);
      cfg.routes.get(GRAPH_DATA, nodeGraph::data);
      cfg.routes.get(CONNECTIONS, connections::list);
      cfg.routes.get(TLS_DATA, tlsHandlers::connections);
      cfg.routes.get(TLS_DETAILS, tlsHandlers::details);
      cfg.routes.get(TLS_CERTIFICATES, tlsHandlers::certificates);
      cfg.routes.get(METRICS, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
      cfg.routes.exception(BadRequestException.class, errors::badRequest);
      cfg.routes.exception(StoreUnavailableException.class, errors::unavailable);
      cfg.routes.exception(Exception.class, errors::unexpected);
      cfg.routes.error(HttpStatus.NOT_FOUND, errors::status);
      cfg.routes.error(HttpStatus.METHOD_NOT_ALLOWED, errors::status);
    });
  }
}
