package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.EdgeQueryService;
import io.k8spacket.query.QueryContext;
import io.k8spacket.query.QueryExecutor;
import java.util.List;
import java.util.Objects;

/** {@code /nodegraph/connections}: the grouped edges of a range as a JSON array (never null). */
public final class ConnectionsHandler {
  private final EdgeQueryService queries;
  private final QueryParams params;
  private final QueryExecutor executor;

  public ConnectionsHandler(EdgeQueryService queries, QueryParams params, QueryExecutor executor) {
    this.queries = Objects.requireNonNull(queries, "queries");
    this.params = Objects.requireNonNull(params, "params");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** Parses the query, aggregates within the query deadline, writes the rows. */
  public void list(Context ctx) {
    EdgeQuery query = params.edgeQuery(ctx::queryParam);
    QueryContext context = PartialAnswers.context(ctx);
    List<ConnectionJson> rows = executor.call(() -> queries.aggregate(query, context)).edges().stream()
        .map(ConnectionJson::of)
        .toList();
    PartialAnswers.report(ctx, context);
    ctx.json(rows);
  }
}
