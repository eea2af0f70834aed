package io.k8spacket.schema;

/** Default names of the versioned topics (research: ../shared/ARCHITECTURE.md, "Topics (v1)"). */
public final class Topics {
  /** Raw TCP connection events from the agents, key = client IP. */
  public static final String TCP = "k8spacket.tcp.v1";
  /** Raw TLS handshake events from the agents, key = client IP. */
  public static final String TLS = "k8spacket.tls.v1";
  /** IP to endpoint metadata, compacted, key = IP, null = released. */
  public static final String METADATA = "k8spacket.metadata.v1";
  /** Enriched connections, counted once, key = client workload. */
  public static final String CONNECTIONS = "k8spacket.connections.v1";
  /** Enriched TLS handshakes, key = client workload. */
  public static final String TLS_SESSIONS = "k8spacket.tls-sessions.v1";
  /** Latest certificate chain per server endpoint and SNI, compacted, key = server IP:port|SNI. */
  public static final String CERTIFICATES = "k8spacket.certificates.v1";
  /** Input records that could not be decoded, as they were (key, value), with the reason in headers. */
  public static final String DEAD_LETTERS = "k8spacket.dead-letters.v1";

  private Topics() {}
}
