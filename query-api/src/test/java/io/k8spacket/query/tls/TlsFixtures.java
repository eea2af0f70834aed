package io.k8spacket.query.tls;

import static io.k8spacket.query.Fixtures.DNS;
import static io.k8spacket.query.Fixtures.EXTERNAL;
import static io.k8spacket.query.Fixtures.FE_1;
import static io.k8spacket.query.Fixtures.FE_2;
import static io.k8spacket.query.Fixtures.MINUTE;
import static io.k8spacket.query.Fixtures.NODE_1;
import static io.k8spacket.query.Fixtures.T0;
import static io.k8spacket.query.Fixtures.WEB_1;

import io.k8spacket.query.EndpointView;
import java.util.List;

/** TLS samples and certificates for tests, around {@link io.k8spacket.query.Fixtures#T0}. */
public final class TlsFixtures {
  public static final long DAY = 86_400_000L;
  public static final String TLS12 = "TLS 1.2";
  public static final String TLS13 = "TLS 1.3";
  public static final String ECDHE_RSA_AES256 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
  public static final String AES128 = "TLS_AES_128_GCM_SHA256";
  public static final String AES256 = "TLS_AES_256_GCM_SHA384";
  public static final List<String> OFFERED_VERSIONS = List.of(TLS13, TLS12);
  public static final List<String> OFFERED_SUITES = List.of(AES128, AES256, ECDHE_RSA_AES256);

  /** fe-1 to web-1:443 SNI web.shop.svc, minute 0: TLS 1.2, 3 handshakes. */
  public static final TlsSessionSample WEB_TLS12 =
      session(0, FE_1, WEB_1, 443, "web.shop.svc", TLS12, ECDHE_RSA_AES256, 3);
  /** fe-1 to web-1:443 SNI web.shop.svc, minute 1: TLS 1.3, 1 handshake. */
  public static final TlsSessionSample WEB_TLS13 = session(1, FE_1, WEB_1, 443, "web.shop.svc", TLS13, AES128, 1);
  /** fe-2 to an external IP, SNI www.google.com, minute 1. */
  public static final TlsSessionSample GOOGLE = session(1, FE_2, EXTERNAL, 443, "www.google.com", TLS13, AES256, 2);
  /** node worker-1 to coredns:853, no SNI and no ServerHello, minute 2. */
  public static final TlsSessionSample DOT_FAILED = session(2, NODE_1, DNS, 853, null, "", "", 1);

  public static final CertificateInfoView WEB_LEAF = new CertificateInfoView("CN=web.shop.svc",
      "CN=Shop Issuing CA,O=Shop", List.of("DNS:web.shop.svc", "IP:10.0.1.1"), "3e8", T0 - DAY, T0 + 30 * DAY,
      "RSA", 2048, "SHA256withRSA", "ab".repeat(32));
  public static final CertificateInfoView SHOP_CA = new CertificateInfoView("CN=Shop Issuing CA,O=Shop",
      "CN=Shop Root CA,O=Shop", List.of(), "01", T0 - 365 * DAY, T0 + 3650 * DAY, "EC", 256, "SHA384withECDSA",
      "cd".repeat(32));
  public static final CertificateInfoView GOOGLE_LEAF = new CertificateInfoView("CN=www.google.com",
      "CN=WR2,O=Google Trust Services,C=US", List.of("DNS:www.google.com"), "0a1b2c", T0 - 60 * DAY,
      T0 + 10 * DAY, "EC", 256, "SHA256withRSA", "ef".repeat(32));

  /** web-1's chain, seen in handshakes from fe-1, from T0+30s to T0+90s. */
  public static final CertificateView WEB_CERT = new CertificateView("10.0.1.1:443|web.shop.svc", "10.0.1.1", 443,
      "web.shop.svc", WEB_1, "HANDSHAKE", List.of(WEB_LEAF, SHOP_CA), T0 + 30_000, T0 + 90_000, List.of(FE_1));
  /** An external chain fetched actively, expiring first. */
  public static final CertificateView GOOGLE_CERT = new CertificateView("142.250.74.78:443|www.google.com",
      "142.250.74.78", 443, "www.google.com", EXTERNAL, "ACTIVE_FETCH", List.of(GOOGLE_LEAF), T0 + 60_000,
      T0 + 61_000, List.of(FE_2, FE_1));
  /** Handshakes without a chain only: not listed. */
  public static final CertificateView DNS_PENDING = new CertificateView("10.0.9.9:853|", "10.0.9.9", 853, null,
      DNS, "NONE", List.of(), T0 + 150_000, T0 + 150_000, List.of(NODE_1));
  /** A chain last seen an hour before T0. */
  public static final CertificateView OLD_CERT = new CertificateView("10.0.1.1:8443|", "10.0.1.1", 8443, null,
      WEB_1, "HANDSHAKE", List.of(WEB_LEAF), T0 - 7_200_000, T0 - 3_600_000, List.of(FE_1));

  private TlsFixtures() {}

  /** Minute {@code minute} after T0; last seen 30 s into the window; the standard offer. */
  public static TlsSessionSample session(int minute, EndpointView client, EndpointView server, int port, String sni,
      String version, String cipher, long count) {
    long start = T0 + minute * MINUTE;
    return new TlsSessionSample(start, start + MINUTE, client, server, port, sni, version, cipher, count,
        start + 30_000, OFFERED_VERSIONS, OFFERED_SUITES, "h2", List.of("h2", "http/1.1"),
        "t13d1516h2_8daaf6152771_e5627efa2ab1", null);
  }
}
