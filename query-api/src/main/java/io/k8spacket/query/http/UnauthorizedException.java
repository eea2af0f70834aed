package io.k8spacket.query.http;

/**
 * The request lacks the configured bearer token, or carries another one (HTTP 401). The message says which,
 * never what was sent or expected; {@link #challenge()} is the {@code WWW-Authenticate} value (RFC 6750).
 */
public final class UnauthorizedException extends RuntimeException {
  private final String challenge;

  UnauthorizedException(String message, String challenge) {
    super(message, null, false, false);
    this.challenge = challenge;
  }

  public String challenge() {
    return challenge;
  }
}
