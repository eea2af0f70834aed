package io.k8spacket.query.tls;

import io.k8spacket.query.QueryContext;
import io.k8spacket.query.TimeRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS queries behind {@code /tlsparser/api/...}: no HTTP here, only {@link TlsReader}.
 *
 * <p>Worked example: the session store holds, for client 10.0.0.1 to 10.0.1.1:443 SNI {@code web},
 *
 * <pre>
 * window [10:00,10:01)  TLS 1.2  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384  count 3  last seen 10:00:30
 * window [10:01,10:02)  TLS 1.3  TLS_AES_128_GCM_SHA256                 count 1  last seen 10:01:30
 * </pre>
 *
 * {@code connections([10:00, 10:02))} returns one row, TLS 1.3 / TLS_AES_128_GCM_SHA256 (the latest), last
 * seen 10:01:30, 4 handshakes; {@code connections([10:00, 10:01))} returns the TLS 1.2 row with 3.
 * {@code details(id, range)} is that row plus the certificate entry {@code 10.0.1.1:443|web}.
 */
public final class TlsQueryService {
  private static final Comparator<TlsConnection> BY_ID = Comparator
      .comparing((TlsConnection c) -> c.id().clientIp())
      .thenComparing(c -> c.id().serverIp())
      .thenComparingInt(c -> c.id().serverPort())
      .thenComparing(c -> c.id().serverName());
  private static final Comparator<TlsSessionSample> LATEST = Comparator
      .comparingLong(TlsSessionSample::lastSeenMs)
      .thenComparingLong(TlsSessionSample::windowStartMs)
      .thenComparing(TlsSessionSample::version)
      .thenComparing(TlsSessionSample::cipherSuite);
  private static final Comparator<CertificateView> SOONEST_EXPIRY = Comparator
      .comparingLong((CertificateView c) -> c.leaf().notAfterMs())
      .thenComparing(CertificateView::key);

  private final TlsReader reader;

  public TlsQueryService(TlsReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /** {@link #connections(TimeRange, QueryContext)} without credentials. */
  public List<TlsConnection> connections(TimeRange range) {
    return connections(range, QueryContext.anonymous());
  }

  /**
   * One row per (client IP, server IP, port, SNI) with a handshake in the range, sorted by those four; the
   * reader reports missing instances in {@code context}.
   */
  public List<TlsConnection> connections(TimeRange range, QueryContext context) {
    Map<TlsConnectionId, List<TlsSessionSample>> byId = new LinkedHashMap<>();
    for (TlsSessionSample s : reader.sessions(range.fromMs(), range.toMs(), context)) {
      if (range.overlaps(s.windowStartMs(), s.windowEndMs())) {
        byId.computeIfAbsent(TlsConnectionId.of(s), id -> new ArrayList<>()).add(s);
      }
    }
    List<TlsConnection> rows = new ArrayList<>(byId.size());
    byId.forEach((id, samples) -> rows.add(connection(id, samples)));
    rows.sort(BY_ID);
    return rows;
  }

  /** {@link #details(String, TimeRange, QueryContext)} without credentials. */
  public Optional<TlsDetails> details(String id, TimeRange range) {
    return details(id, range, QueryContext.anonymous());
  }

  /** The row of {@code id} in the range and its certificate entry; empty when the id is unknown there. */
  public Optional<TlsDetails> details(String id, TimeRange range, QueryContext context) {
    Optional<TlsConnectionId> wanted = TlsConnectionId.decode(id);
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    List<TlsSessionSample> samples = new ArrayList<>();
    for (TlsSessionSample s : reader.sessions(range.fromMs(), range.toMs(), context)) {
      if (range.overlaps(s.windowStartMs(), s.windowEndMs()) && TlsConnectionId.of(s).equals(wanted.get())) {
        samples.add(s);
      }
    }
    if (samples.isEmpty()) {
      return Optional.empty();
    }
    TlsConnectionId key = wanted.get();
    Optional<CertificateView> certificate = reader.certificate(
        CertificateKey.of(key.serverIp(), key.serverPort(), key.serverName().isEmpty() ? null : key.serverName()),
        context);
    return Optional.of(new TlsDetails(connection(key, samples), certificate));
  }

  /** {@link #certificates(TimeRange, QueryContext)} without credentials. */
  public List<CertificateView> certificates(TimeRange range) {
    return certificates(range, QueryContext.anonymous());
  }

  /**
   * Certificates with a chain that were seen in the range ({@code firstSeen < to} and {@code lastSeen >=
   * from}), soonest leaf expiry first, then by key.
   */
  public List<CertificateView> certificates(TimeRange range, QueryContext context) {
    List<CertificateView> seen = new ArrayList<>();
    for (CertificateView c : reader.certificates(context)) {
      if (c.leaf() != null && c.firstSeenMs() < range.toMs() && c.lastSeenMs() >= range.fromMs()) {
        seen.add(c);
      }
    }
    seen.sort(SOONEST_EXPIRY);
    return seen;
  }

  private static TlsConnection connection(TlsConnectionId id, List<TlsSessionSample> samples) {
    TlsSessionSample latest = samples.stream().max(LATEST).orElseThrow();
    long handshakes = samples.stream().mapToLong(TlsSessionSample::count).sum();
    return new TlsConnection(id, latest.client(), latest.server(), latest.serverPort(), id.serverName(),
        latest.version(), latest.cipherSuite(), latest.lastSeenMs(), handshakes, latest.clientVersions(),
        latest.clientCipherSuites());
  }
}
