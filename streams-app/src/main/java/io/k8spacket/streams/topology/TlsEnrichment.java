package io.k8spacket.streams.topology;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.ClientHello;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.NamedTlsHandshake;
import io.k8spacket.avro.TlsEventKind;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.query.tls.CertificateKey;
import io.k8spacket.schema.TlsNames;
import java.util.List;

/** The joiners, keys and conversions of the TLS page. */
public final class TlsEnrichment {
  /** Version and cipher-suite value of a handshake without a ServerHello. */
  public static final int NONE = -1;

  private TlsEnrichment() {}

  /** A handshake (not a fetched chain) with a client to name. */
  public static boolean isHandshake(String key, TlsHandshakeEvent e) {
    return e != null && e.getKind() == TlsEventKind.HANDSHAKE && !e.getClientIp().isEmpty();
  }

  /** A chain fetched actively by an agent: updates the certificate store only. */
  public static boolean isFetch(String key, TlsHandshakeEvent e) {
    return e != null && e.getKind() == TlsEventKind.CERTIFICATE_FETCH;
  }

  /** The handshake with its client named as of its time; the server is named by IP until the second join. */
  public static NamedTlsHandshake withClient(TlsHandshakeEvent e, EndpointMetadata clientMetadata) {
    return NamedTlsHandshake.newBuilder()
        .setClient(Enrichment.endpoint(e.getClientIp(), clientMetadata))
        .setClientPort(e.getClientPort())
        .setServer(Enrichment.endpoint(e.getServerIp(), null))
        .setServerPort(e.getServerPort())
        .setNode(e.getNode())
        .setObservedAtNs(e.getObservedAtNs())
        .setServerName(serverName(e))
        .setClientHello(e.getClientHello())
        .setServerHello(e.getServerHello())
        .setCertificateSource(e.getCertificates().isEmpty() ? CertificateSource.NONE : e.getCertificateSource())
        .setCertificates(e.getCertificates())
        .build();
  }

  /** The handshake with its server named as of its time. */
  public static NamedTlsHandshake withServer(NamedTlsHandshake h, EndpointMetadata serverMetadata) {
    return NamedTlsHandshake.newBuilder(h)
        .setServer(Enrichment.endpoint(h.getServer().getIp(), serverMetadata)).build();
  }

  /**
   * The handshake with a server that has no metadata named by its own SNI, else by {@code knownServerName},
   * the SNI last seen for the server IP as of the handshake (null when none). A server with metadata keeps its
   * name.
   */
  public static NamedTlsHandshake withServerName(NamedTlsHandshake h, String knownServerName) {
    String name = h.getServerName() != null ? h.getServerName() : knownServerName;
    return name == null || !Enrichment.namedByIp(h.getServer()) ? h
        : NamedTlsHandshake.newBuilder(h).setServer(Enrichment.external(h.getServer().getIp(), name)).build();
  }

  /** True for a handshake whose client sent an SNI: it feeds the server IP → SNI table. */
  public static boolean hasServerName(String serverIp, NamedTlsHandshake h) {
    return h != null && h.getServerName() != null;
  }

  /** Repartition key of the server-side join. */
  public static String serverIp(String clientIp, NamedTlsHandshake h) {
    return h.getServer().getIp();
  }

  /** Key of the TLS-sessions topic: the client's workload ({@link Enrichment#workloadKey}). */
  public static String clientWorkloadKey(String serverIp, NamedTlsHandshake h) {
    return Enrichment.workloadKey(h.getClient());
  }

  /** The record of the TLS-sessions topic. */
  public static TlsSession session(NamedTlsHandshake h) {
    return TlsSession.newBuilder()
        .setClient(h.getClient())
        .setClientPort(h.getClientPort())
        .setServer(h.getServer())
        .setServerPort(h.getServerPort())
        .setNode(h.getNode())
        .setObservedAtNs(h.getObservedAtNs())
        .setServerName(h.getServerName())
        .setClientHello(h.getClientHello())
        .setServerHello(h.getServerHello())
        .setLeafSha256(leafSha256(h))
        .build();
  }

  /**
   * Key of the TLS-session store: both identities, port, SNI, chosen version and cipher suite. Example:
   * {@code 10.0.0.1|web-1|shop|web>10.0.0.2|api-0|shop|api|443|api.shop|0x0303|0xC030}; {@code -} for a
   * missing ServerHello.
   */
  public static String sessionKey(String serverIp, NamedTlsHandshake h) {
    return Enrichment.identity(h.getClient()) + ">" + Enrichment.identity(h.getServer()) + "|" + h.getServerPort()
        + "|" + (h.getServerName() == null ? "" : h.getServerName()) + "|" + code(version(h)) + "|"
        + code(cipherSuite(h));
  }

  /** Key of the certificate store and topic: {@link CertificateKey#of} server IP, port and SNI. */
  public static String certificateKey(String key, Certificate c) {
    return CertificateKey.of(c.getServerIp(), c.getServerPort(), c.getServerName());
  }

  /** What one handshake tells the certificate store: its chain (maybe none), its server and its client. */
  public static Certificate handshakeCertificate(NamedTlsHandshake h) {
    long atMs = Math.floorDiv(h.getObservedAtNs(), 1_000_000L);
    return Certificate.newBuilder()
        .setServerIp(h.getServer().getIp())
        .setServerPort(h.getServerPort())
        .setServerName(h.getServerName())
        .setServer(h.getServer())
        .setSource(h.getCertificateSource())
        .setChain(h.getCertificates())
        .setFirstSeenMs(atMs)
        .setLastSeenMs(atMs)
        .setClients(List.of(h.getClient()))
        .build();
  }

  /** What an actively fetched chain tells the certificate store: the chain only (no client, server unnamed). */
  public static Certificate fetchedCertificate(TlsHandshakeEvent e) {
    long atMs = Math.floorDiv(e.getObservedAtNs(), 1_000_000L);
    return Certificate.newBuilder()
        .setServerIp(e.getServerIp())
        .setServerPort(e.getServerPort())
        .setServerName(serverName(e))
        .setServer(null)
        .setSource(e.getCertificates().isEmpty() ? CertificateSource.NONE : CertificateSource.ACTIVE_FETCH)
        .setChain(e.getCertificates())
        .setFirstSeenMs(atMs)
        .setLastSeenMs(atMs)
        .setClients(List.of())
        .build();
  }

  /** True when the entry carries a chain (only those go to the certificates topic). */
  public static boolean hasChain(String key, Certificate c) {
    return c != null && !c.getChain().isEmpty();
  }

  /** The chosen version, or {@link #NONE} without a ServerHello. */
  public static int version(NamedTlsHandshake h) {
    return h.getServerHello() == null ? NONE : h.getServerHello().getSelectedVersion();
  }

  /** The chosen cipher suite, or {@link #NONE} without a ServerHello. */
  public static int cipherSuite(NamedTlsHandshake h) {
    return h.getServerHello() == null ? NONE : h.getServerHello().getCipherSuite();
  }

  /** The versions the client offered: supported_versions (TLS 1.3 clients), else the legacy version. */
  public static List<Integer> offeredVersions(ClientHello hello) {
    if (hello == null) {
      return List.of();
    }
    return hello.getSupportedVersions().isEmpty() ? List.of(hello.getLegacyVersion()) : hello.getSupportedVersions();
  }

  /** The leaf's SHA-256, or null without a chain. */
  public static String leafSha256(NamedTlsHandshake h) {
    return h.getCertificates().isEmpty() ? null : h.getCertificates().get(0).getSha256();
  }

  /** The SNI: the event's, else the ClientHello's; null when the client sent none. */
  static String serverName(TlsHandshakeEvent e) {
    if (e.getServerName() != null && !e.getServerName().isEmpty()) {
      return e.getServerName();
    }
    ClientHello hello = e.getClientHello();
    return hello == null || hello.getServerName() == null || hello.getServerName().isEmpty()
        ? null : hello.getServerName();
  }

  private static String code(int value) {
    return value == NONE ? "-" : TlsNames.hex(value);
  }
}
