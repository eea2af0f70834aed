package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.k8spacket.query.QueryContext;
import io.k8spacket.query.QueryExecutor;
import io.k8spacket.query.TimeRange;
import io.k8spacket.query.tls.TlsQueryService;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The TLS routes, compatible with the original's JSON API datasource: the connections table, one connection's
 * details, and the certificates by soonest expiry. {@code from}/{@code to} follow {@link QueryParams}. An
 * answer that misses a peer's share says so in {@link PartialAnswers#HEADER}.
 */
public final class TlsHandlers {
  private final TlsQueryService tls;
  private final QueryParams params;
  private final Clock clock;
  private final QueryExecutor executor;

  public TlsHandlers(TlsQueryService tls, QueryParams params, Clock clock, QueryExecutor executor) {
    this.tls = Objects.requireNonNull(tls, "tls");
    this.params = Objects.requireNonNull(params, "params");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** {@code /tlsparser/api/data}: a JSON array, {@code []} when empty. */
  public void connections(Context ctx) {
    TimeRange range = params.range(ctx::queryParam);
    QueryContext context = PartialAnswers.context(ctx);
    List<TlsConnectionJson> rows = executor.call(() -> tls.connections(range, context)).stream()
        .map(TlsConnectionJson::of)
        .toList();
    PartialAnswers.report(ctx, context);
    ctx.json(rows);
  }

  /** {@code /tlsparser/api/data/{id}}: the details object, or 404 JSON for an id unknown in the range. */
  public void details(Context ctx) {
    String id = ctx.pathParam("id");
    TimeRange range = params.range(ctx::queryParam);
    QueryContext context = PartialAnswers.context(ctx);
    var details = executor.call(() -> tls.details(id, range, context));
    PartialAnswers.report(ctx, context);
    if (details.isEmpty()) {
      ErrorHandlers.notFound(ctx, "no TLS connection with id '" + id + "' in the range");
      return;
    }
    ctx.json(TlsDetailsJson.of(details.get()));
  }

  /** {@code /tlsparser/api/certificates}: certificates seen in the range, soonest expiry first. */
  public void certificates(Context ctx) {
    long nowMs = clock.millis();
    TimeRange range = params.range(ctx::queryParam);
    QueryContext context = PartialAnswers.context(ctx);
    List<CertificateJson> rows = executor.call(() -> tls.certificates(range, context)).stream()
        .map(c -> CertificateJson.of(c, nowMs))
        .toList();
    PartialAnswers.report(ctx, context);
    ctx.json(rows);
  }
}
