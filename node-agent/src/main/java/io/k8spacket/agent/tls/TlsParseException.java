package io.k8spacket.agent.tls;

/** Malformed handshake bytes, typed by {@link ParseErrorKind}; cheap (no stack trace), never leaves the package. */
final class TlsParseException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ParseErrorKind kind;

  TlsParseException(ParseErrorKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  ParseErrorKind kind() {
    return kind;
  }
}
