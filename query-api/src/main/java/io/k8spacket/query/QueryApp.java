package io.k8spacket.query;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.k8spacket.query.http.BadRequestException;
import io.k8spacket.query.http.ConnectionsHandler;
import io.k8spacket.query.http.ErrorHandlers;
import io.k8spacket.query.http.NodeGraphHandlers;
import io.k8spacket.query.http.QueryParams;
import io.k8spacket.query.http.RequestMetrics;
import io.k8spacket.query.nodegraph.NodeGraphService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * Builds the query API: every route in one place, returned unstarted. The process main calls
 * {@code QueryApp.create(reader, registry, config).start(config.port())}; tests call {@code start(0)}.
 */
public final class QueryApp {
  public static final String HEALTH = "/nodegraph/api/health";
  public static final String GRAPH_FIELDS = "/nodegraph/api/graph/fields";
  public static final String GRAPH_DATA = "/nodegraph/api/graph/data";
  public static final String CONNECTIONS = "/nodegraph/connections";
  public static final String METRICS = "/metrics";
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

  /** The API; {@code clock} gives "now" for a query without {@code to}. */
  public static Javalin create(EdgeReader edges, PrometheusMeterRegistry registry, QueryApiConfig config,
      Clock clock) {
    EdgeQueryService queries = new EdgeQueryService(edges);
    QueryParams params = new QueryParams(config, clock);
    NodeGraphHandlers nodeGraph = new NodeGraphHandlers(new NodeGraphService(queries), params);
    ConnectionsHandler connections = new ConnectionsHandler(queries, params);
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
      cfg.routes.get(METRICS, ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
      cfg.routes.exception(BadRequestException.class, errors::badRequest);
      cfg.routes.exception(StoreUnavailableException.class, errors::unavailable);
      cfg.routes.exception(Exception.class, errors::unexpected);
      cfg.routes.error(HttpStatus.NOT_FOUND, errors::status);
      cfg.routes.error(HttpStatus.METHOD_NOT_ALLOWED, errors::status);
    });
  }
}
