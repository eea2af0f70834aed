package io.k8spacket.query;

/** The state behind a query is not available at the moment (starting, rebalancing); retry later (HTTP 503). */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
