package io.k8spacket.streams.topology;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.ClientHello;
import io.k8spacket.avro.ServerHello;
import io.k8spacket.avro.TlsEventKind;
import io.k8spacket.avro.TlsHandshakeEvent;
import java.util.List;

/** Literal TLS events: handshakes and fetched chains, times in ms since the epoch (stored in ns). */
public final class TlsFixtures {
  public static final int TLS12 = 0x0303;
  public static final int TLS13 = 0x0304;
  public static final int ECDHE_RSA_AES256 = 0xC030;
  public static final int AES128 = 0x1301;
  public static final long DAY = 86_400_000L;
  public static final String JA4 = "t13d0412h2_0a1b2c3d4e5f_5f4e3d2c1b0a";

  /** api-0's leaf, valid 90 days from T0 - 10 days. */
  public static final CertificateInfo API_LEAF = cert("CN=api.shop", "CN=Shop CA", "1f",
      Fixtures.T0 - 10 * DAY, Fixtures.T0 + 80 * DAY, "11".repeat(32));
  /** The leaf after a rotation. */
  public static final CertificateInfo API_LEAF_ROTATED = cert("CN=api.shop", "CN=Shop CA", "20",
      Fixtures.T0, Fixtures.T0 + 90 * DAY, "22".repeat(32));
  public static final CertificateInfo SHOP_CA = cert("CN=Shop CA", "CN=Shop CA", "01",
      Fixtures.T0 - 365 * DAY, Fixtures.T0 + 3650 * DAY, "33".repeat(32));

  private TlsFixtures() {}

  /** A handshake at {@code atMs}: TLS 1.2 carries {@code chain}; TLS 1.3 none. */
  public static TlsHandshakeEvent handshake(String clientIp, int clientPort, String serverIp, int serverPort,
      String sni, int version, int cipherSuite, long atMs, List<CertificateInfo> chain) {
    return TlsHandshakeEvent.newBuilder()
        .setKind(TlsEventKind.HANDSHAKE)
        .setFamily(AddressFamily.IPV4)
        .setClientIp(clientIp).setClientPort(clientPort)
        .setServerIp(serverIp).setServerPort(serverPort)
        .setNode("node-1")
        .setObservedAtNs(atMs * 1_000_000L)
        .setClientHello(new ClientHello(TLS12, List.of(TLS13, TLS12), List.of(AES128, 0x1302, ECDHE_RSA_AES256,
            0xC02F), List.of(0, 10, 13, 16, 43), sni, List.of("h2", "http/1.1"), List.of(29, 23), List.of(0x0804),
            JA4))
        .setServerHello(new ServerHello(TLS12, version, cipherSuite, "h2"))
        .setServerName(sni)
        .setCertificateSource(chain.isEmpty() ? CertificateSource.NONE : CertificateSource.HANDSHAKE)
        .setCertificates(chain)
        .build();
  }

  /** A handshake whose ServerHello was not seen. */
  public static TlsHandshakeEvent cutOff(String clientIp, String serverIp, int serverPort, long atMs) {
    return TlsHandshakeEvent.newBuilder(handshake(clientIp, 50000, serverIp, serverPort, null, TLS12, 0, atMs,
        List.of())).setServerHello(null).build();
  }

  /** A chain the agent fetched from {@code serverIp:serverPort} with SNI {@code sni}. */
  public static TlsHandshakeEvent fetch(String serverIp, int serverPort, String sni, long atMs,
      List<CertificateInfo> chain) {
    return TlsHandshakeEvent.newBuilder()
        .setKind(TlsEventKind.CERTIFICATE_FETCH)
        .setFamily(AddressFamily.IPV4)
        .setClientIp("").setClientPort(0)
        .setServerIp(serverIp).setServerPort(serverPort)
        .setNode("node-1")
        .setObservedAtNs(atMs * 1_000_000L)
        .setServerName(sni)
        .setCertificateSource(CertificateSource.ACTIVE_FETCH)
        .setCertificates(chain)
        .build();
  }

  public static CertificateInfo cert(String subject, String issuer, String serial, long notBeforeMs,
      long notAfterMs, String sha256) {
    return new CertificateInfo(subject, issuer, List.of("DNS:" + subject.substring(3)), serial, notBeforeMs,
        notAfterMs, "RSA", 2048, "SHA256withRSA", sha256);
  }
}
