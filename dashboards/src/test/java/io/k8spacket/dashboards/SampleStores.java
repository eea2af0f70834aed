package io.k8spacket.dashboards;

import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.tls.CertificateInfoView;
import io.k8spacket.query.tls.CertificateKey;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import java.util.List;
import java.util.Optional;

/**
 * Small in-memory stores behind the query API, so that every dashboard query gets rows back: a frontend calling
 * a Service's backend, the backend calling a database, a node calling DNS, and one TLS connection with a
 * certificate chain and one without. Everything happened in one window ten minutes before {@code nowMs}.
 */
final class SampleStores {
  private static final long WINDOW_MS = 60_000;
  private static final long DAY_MS = 86_400_000;

  static final EndpointView FRONTEND = new EndpointView("10.0.0.1", "frontend-6f7c9-x1", "shop", "frontend",
      "Deployment", "pod");
  static final EndpointView WEB = new EndpointView("10.0.1.1", "web-5c6b-x1", "shop", "web", "Deployment", "pod");
  static final EndpointView WEB_SERVICE = new EndpointView("10.96.0.20", "web", "shop", null, null, "service");
  static final EndpointView DB = new EndpointView("10.0.2.1", "db-0", "shop", "db", "StatefulSet", "pod");
  static final EndpointView NODE = new EndpointView("192.168.1.10", "worker-1", null, null, null, "node");
  static final EndpointView DNS = new EndpointView("10.0.3.1", "coredns-7d9-x1", "kube-system", "coredns",
      "Deployment", "pod");
  static final EndpointView EXTERNAL = new EndpointView("203.0.113.7", "203.0.113.7", null, null, null,
      "unknown");

  private SampleStores() {}

  static EdgeReader edges(long nowMs) {
    long start = windowStart(nowMs);
    long end = start + WINDOW_MS;
    long last = start + 30_000;
    List<EdgeSample> samples = List.of(
        new EdgeSample(start, end, FRONTEND, WEB, WEB_SERVICE, 12, 2, 6_000, 48_000, 2_400, 900, last),
        new EdgeSample(start, end, WEB, DB, 30, 30, 90_000, 3_000_000, 360_000, 15_000, last),
        new EdgeSample(start, end, NODE, DNS, 50, 0, 3_200, 6_400, 50, 4, last));
    return (fromMs, toMs) -> samples.stream().filter(s -> s.windowEndMs() > fromMs && s.windowStartMs() < toMs)
        .toList();
  }

  static TlsReader tls(long nowMs) {
    long start = windowStart(nowMs);
    long end = start + WINDOW_MS;
    long last = start + 20_000;
    CertificateInfoView leaf = new CertificateInfoView("CN=api.example.com", "CN=Example CA,O=Example",
        List.of("DNS:api.example.com", "DNS:www.example.com"), "0a1b2c", nowMs - 60 * DAY_MS, nowMs + 20 * DAY_MS,
        "EC", 256, "SHA256withECDSA", "ab".repeat(32));
    CertificateInfoView ca = new CertificateInfoView("CN=Example CA,O=Example", "CN=Example Root,O=Example",
        List.of(), "01", nowMs - 900 * DAY_MS, nowMs + 900 * DAY_MS, "RSA", 2048, "SHA256withRSA", "cd".repeat(32));
    CertificateView withChain = new CertificateView(CertificateKey.of(EXTERNAL.ip(), 443, "api.example.com"),
        EXTERNAL.ip(), 443, "api.example.com", EXTERNAL, "HANDSHAKE", List.of(leaf, ca), last - 5_000, last,
        List.of(FRONTEND, WEB));
    List<TlsSessionSample> sessions = List.of(
        new TlsSessionSample(start, end, FRONTEND, EXTERNAL, 443, "api.example.com", "TLS 1.2",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 3, last, List.of("TLS 1.3", "TLS 1.2"),
            List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), "h2", List.of("h2"),
            "t13d1516h2_8daaf6152771_02713d6af862", leaf.sha256()),
        new TlsSessionSample(start, end, WEB, DB, 5432, null, "TLS 1.3", "TLS_AES_256_GCM_SHA384", 7, last,
            List.of("TLS 1.3"), List.of("TLS_AES_256_GCM_SHA384"), null, List.of(), null, null));
    return new TlsReader() {
      @Override
      public List<TlsSessionSample> sessions(long fromMs, long toMs) {
        return sessions.stream().filter(s -> s.windowEndMs() > fromMs && s.windowStartMs() < toMs).toList();
      }

      @Override
      public Optional<CertificateView> certificate(String key) {
        return withChain.key().equals(key) ? Optional.of(withChain) : Optional.empty();
      }

      @Override
      public List<CertificateView> certificates() {
        return List.of(withChain);
      }
    };
  }

  private static long windowStart(long nowMs) {
    return (nowMs - 600_000) / WINDOW_MS * WINDOW_MS;
  }
}
