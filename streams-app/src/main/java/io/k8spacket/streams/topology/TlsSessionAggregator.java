package io.k8spacket.streams.topology;

import io.k8spacket.avro.ClientHello;
import io.k8spacket.avro.NamedTlsHandshake;
import io.k8spacket.avro.TlsSessionStats;
import java.util.List;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Adds one handshake to its session key's statistics in one window: the count, the latest time, and the
 * latest handshake's offer (offered versions and suites, ALPN, JA4, leaf fingerprint). Handshakes arriving
 * out of order count but do not replace a later handshake's offer.
 */
public final class TlsSessionAggregator implements Aggregator<String, NamedTlsHandshake, TlsSessionStats> {
  /** The aggregate before the first handshake; its identity fields are set by the first {@link #apply}. */
  public static TlsSessionStats empty() {
    return new TlsSessionStats(null, null, 0, null, TlsEnrichment.NONE, TlsEnrichment.NONE, 0L, Long.MIN_VALUE,
        List.of(), List.of(), null, List.of(), null, null);
  }

  @Override
  public TlsSessionStats apply(String sessionKey, NamedTlsHandshake h, TlsSessionStats agg) {
    long atMs = Math.floorDiv(h.getObservedAtNs(), 1_000_000L);
    TlsSessionStats.Builder next = TlsSessionStats.newBuilder(agg).setCount(agg.getCount() + 1);
    if (atMs < agg.getLastSeenMs()) {
      return next.build();
    }
    ClientHello hello = h.getClientHello();
    return next
        .setClient(h.getClient())
        .setServer(h.getServer())
        .setServerPort(h.getServerPort())
        .setServerName(h.getServerName())
        .setVersion(TlsEnrichment.version(h))
        .setCipherSuite(TlsEnrichment.cipherSuite(h))
        .setLastSeenMs(atMs)
        .setClientVersions(TlsEnrichment.offeredVersions(hello))
        .setClientCipherSuites(hello == null ? List.of() : hello.getCipherSuites())
        .setAlpn(h.getServerHello() == null ? null : h.getServerHello().getAlpn())
        .setOfferedAlpn(hello == null ? List.of() : hello.getAlpn())
        .setJa4(hello == null ? null : hello.getJa4())
        .setLeafSha256(TlsEnrichment.leafSha256(h))
        .build();
  }
}
