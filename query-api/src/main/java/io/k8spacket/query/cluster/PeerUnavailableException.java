package io.k8spacket.query.cluster;

/**
 * A peer instance did not give its share of an answer: it timed out, could not be reached, refused, or sent
 * something unreadable. The message says which peer and why, in words fit for the partial-answer header.
 */
public final class PeerUnavailableException extends RuntimeException {
  private final String peer;
  private final String reason;

  /**
   * @param peer the peer's {@code host:port}
   * @param reason a short metric label: {@code timeout}, {@code unreachable}, {@code status} or {@code invalid}
   * @param message what happened, starting with {@code peer <host:port>}
   */
  public PeerUnavailableException(String peer, String reason, String message, Throwable cause) {
    super(message, cause);
    this.peer = peer;
    this.reason = reason;
  }

  public String peer() {
    return peer;
  }

  public String reason() {
    return reason;
  }
}
