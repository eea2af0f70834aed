package io.k8spacket.agent.event;

/** A ring-buffer record the decoder cannot accept (wrong length, unknown enum value); counted, then skipped. */
public final class MalformedEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedEventException(String message) {
    super(message);
  }
}
