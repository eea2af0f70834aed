package io.k8spacket.query.http;

/** A query parameter is wrong; the message names it and is sent to the caller (HTTP 400). */
public final class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
