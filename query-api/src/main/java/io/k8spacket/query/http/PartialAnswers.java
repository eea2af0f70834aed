package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.javalin.http.Header;
import io.k8spacket.query.QueryContext;
import java.util.List;

/**
 * The HTTP side of {@link QueryContext}: a query's context carries the caller's {@code Authorization} header (so
 * that a cluster reader forwards it to its peers), and an answer that misses a part (a peer that did not answer
 * in time) says so in the {@value #HEADER} header, parts separated by {@code "; "}. The JSON body keeps the
 * exact shape Grafana expects; the header is the only mark.
 *
 * <p>Example: {@code X-K8spacket-Partial: peer 10.0.0.2:6676 timed out after 2000 ms}.
 */
public final class PartialAnswers {
  /** The response header that lists what is missing from a 200 answer. */
  public static final String HEADER = "X-K8spacket-Partial";

  private PartialAnswers() {}

  /** The query context of a request. */
  public static QueryContext context(Context ctx) {
    return QueryContext.forCaller(ctx.header(Header.AUTHORIZATION));
  }

  /** Longest header value sent; a longer list of missing parts is cut and ends with {@code ...}. */
  static final int MAX_LENGTH = 2000;

  /** Sets {@value #HEADER} when the query's answer misses a part. */
  public static void report(Context ctx, QueryContext query) {
    if (!query.complete()) {
      ctx.header(HEADER, headerValue(query.missingParts()));
    }
  }

  /**
   * The parts joined by {@code "; "}, as one line of printable ASCII (anything else becomes {@code ?}: a header
   * value is not the place for an exception message's line breaks), at most {@value #MAX_LENGTH} characters.
   */
  static String headerValue(List<String> parts) {
    String value = String.join("; ", parts).replaceAll("[^\\x20-\\x7E]", "?");
    return value.length() <= MAX_LENGTH ? value : value.substring(0, MAX_LENGTH - 3) + "...";
  }
}
