package io.k8spacket.query.http;

import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.k8spacket.query.QueryTimeoutException;
import io.k8spacket.query.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error answer is JSON {@code {"error":"…"}}: 400 bad parameter, 401 missing or wrong bearer token (with
 * {@code WWW-Authenticate}), 404 no route, 405 wrong method, 503 store unavailable or query past its deadline
 * (with {@code Retry-After}), 500 anything else. Expected conditions log one line without a stack
 * trace; a 500 logs one line at error and the stack trace at debug.
 */
public final class ErrorHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);
  /** Request attribute set when a handler wrote its own error body. */
  private static final String WRITTEN = "k8spacket.error.written";

  private final int retryAfterSeconds;

  public ErrorHandlers(int retryAfterSeconds) {
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public void badRequest(BadRequestException e, Context ctx) {
    LOG.debug("400 {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
    write(ctx, 400, e.getMessage());
  }

  public void unavailable(StoreUnavailableException e, Context ctx) {
    LOG.info("503 {} {}: store unavailable: {}", ctx.method(), ctx.path(), e.getMessage());
    ctx.header(Header.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    write(ctx, 503, "store unavailable, retry later: " + e.getMessage());
  }

  /** The message says missing or wrong; the path is logged, never a header. */
  public void unauthorized(UnauthorizedException e, Context ctx) {
    LOG.debug("401 {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
    ctx.header(Header.WWW_AUTHENTICATE, e.challenge());
    write(ctx, 401, e.getMessage());
  }

  public void timeout(QueryTimeoutException e, Context ctx) {
    LOG.warn("503 {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
    ctx.header(Header.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    write(ctx, 503, "query not answered in time, retry later: " + e.getMessage());
  }

  /** Javalin's own HTTP exceptions (404, 405) keep their status; everything else is a 500. */
  public void unexpected(Exception e, Context ctx) {
    if (e instanceof HttpResponseException http) {
      write(ctx, http.getStatus(), describe(http.getStatus(), ctx));
      return;
    }
    LOG.error("500 {} {}: {}", ctx.method(), ctx.path(), e.toString());
    LOG.debug("500 stack trace", e);
    write(ctx, 500, "internal error");
  }

  /** The error-status hook: turns whatever body Javalin wrote for 404/405 into our JSON. */
  public void status(Context ctx) {
    if (ctx.attribute(WRITTEN) != null) {
      return; // a handler already answered with its own error message
    }
    write(ctx, ctx.statusCode(), describe(ctx.statusCode(), ctx));
  }

  /** A handler's own 404 (e.g. an unknown id): the message is kept, not replaced by "no route". */
  public static void notFound(Context ctx, String message) {
    LOG.debug("404 {} {}: {}", ctx.method(), ctx.path(), message);
    ctx.attribute(WRITTEN, Boolean.TRUE);
    write(ctx, 404, message);
  }

  private static String describe(int status, Context ctx) {
    return switch (status) {
      case 404 -> "no route for " + ctx.method() + " " + ctx.path();
      case 405 -> "method " + ctx.method() + " not allowed on " + ctx.path();
      default -> "HTTP " + status;
    };
  }

  private static void write(Context ctx, int status, String message) {
    ctx.status(status).json(new ApiError(message));
  }
}
