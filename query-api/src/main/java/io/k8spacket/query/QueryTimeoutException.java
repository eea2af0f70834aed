package io.k8spacket.query;

/** A query did not finish within its deadline, or could not start because every query thread was busy (503). */
public final class QueryTimeoutException extends RuntimeException {
  public QueryTimeoutException(String message) {
    super(message, null, false, false);
  }
}
