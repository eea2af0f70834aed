package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.k8spacket.query.EdgeQueryService;
import java.util.List;
import java.util.Objects;

/** {@code /nodegraph/connections}: the grouped edges of a range as a JSON array (never null). */
public final class ConnectionsHandler {
  private final EdgeQueryService queries;
  private final QueryParams params;

  public ConnectionsHandler(EdgeQueryService queries, QueryParams params) {
    this.queries = Objects.requireNonNull(queries, "queries");
    this.params = Objects.requireNonNull(params, "params");
  }

  /** Parses the query, aggregates, writes the rows. */
  public void list(Context ctx) {
    List<ConnectionJson> rows = queries.aggregate(params.edgeQuery(ctx::queryParam)).edges().stream()
        .map(ConnectionJson::of)
        .toList();
    ctx.json(rows);
  }
}
