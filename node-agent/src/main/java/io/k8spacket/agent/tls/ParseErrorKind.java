package io.k8spacket.agent.tls;

/** What was malformed, for the parse-error counters; each is counted once per occurrence. */
public enum ParseErrorKind {
  /** A TLS record header: unknown content type, bad version, zero or oversized length. */
  RECORD,
  /** A handshake message header: longer than a direction may hold, or a message out of place. */
  HANDSHAKE_MESSAGE,
  /** A ClientHello body (a length running past its vector, trailing bytes, bad SNI). */
  CLIENT_HELLO,
  /** A ServerHello body. */
  SERVER_HELLO,
  /** The Certificate message framing (not the certificates inside it). */
  CERTIFICATE_MESSAGE,
  /** One certificate of a chain that {@code CertificateFactory} rejected; the rest of the chain is kept. */
  X509,
  /** A bug: an unexpected exception caught at the assembler's boundary (the flow is dropped). */
  INTERNAL
}
