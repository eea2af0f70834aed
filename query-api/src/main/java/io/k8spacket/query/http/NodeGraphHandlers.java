package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.k8spacket.query.QueryContext;
import io.k8spacket.query.QueryExecutor;
import io.k8spacket.query.nodegraph.GraphFields;
import io.k8spacket.query.nodegraph.NodeGraph;
import io.k8spacket.query.nodegraph.NodeGraphService;
import java.util.Map;
import java.util.Objects;

/** The three Node Graph API routes: health, fields and data. */
public final class NodeGraphHandlers {
  private final NodeGraphService graphs;
  private final QueryParams params;
  private final QueryExecutor executor;

  public NodeGraphHandlers(NodeGraphService graphs, QueryParams params, QueryExecutor executor) {
    this.graphs = Objects.requireNonNull(graphs, "graphs");
    this.params = Objects.requireNonNull(params, "params");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** 200 with a small body: the plugin's "Save &amp; test" accepts exactly 200. */
  public void health(Context ctx) {
    ctx.json(Map.of("status", "ok"));
  }

  /** The frame fields for the requested stats type. */
  public void fields(Context ctx) {
    ctx.json(GraphFields.of(params.statsType(ctx::queryParam)));
  }

  /** The graph, computed within the query deadline; a partial one says so in a header. */
  public void data(Context ctx) {
    var query = params.edgeQuery(ctx::queryParam);
    var stats = params.statsType(ctx::queryParam);
    QueryContext context = PartialAnswers.context(ctx);
    NodeGraph graph = executor.call(() -> graphs.graph(query, stats, context));
    PartialAnswers.report(ctx, context);
    ctx.json(graph);
  }
}
