package io.k8spacket.streams.topology;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.NamedTlsHandshake;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.avro.TlsSessionStats;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.streams.StreamsAppConfig;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The TLS page: handshakes named at both ends as of their time (from the same versioned metadata table as the
 * TCP page), written out as sessions, counted per session key in 1-minute windows, and folded with actively
 * fetched chains into one certificate entry per server endpoint and SNI.
 *
 * <pre>
 * k8spacket.tls.v1 (key client IP, event time = observedAt)
 *   ├─ HANDSHAKE
 *   │   → left join metadata by client IP ─┐   the metadata table of {@link ConnectionsTopology}
 *   │   → re-key by server IP, repartition {@value #TLS_BY_SERVER_IP}
 *   │   ├→ with an SNI → versioned table server IP → SNI {@value #SERVER_NAME_STORE} (joined by the TCP page)
 *   │   → left join metadata by server IP ─┘   (one sub-topology with the TCP joins)
 *   │   → no metadata: named by its own SNI, else the table's, else a cached PTR name
 *   │   → count in k8spacket_tls_handshakes_total
 *   │   ├→ re-key by client workload → k8spacket.tls-sessions.v1
 *   │   ├→ group by session key, repartition {@value #TLS_BY_SESSION} → 1-minute windows → {@value #SESSION_STORE}
 *   │   │                                                  └→ 1-hour windows → {@value #SESSION_ROLLUP_STORE}
 *   │   └→ as a certificate observation ─┐
 *   └─ CERTIFICATE_FETCH → as a certificate observation ─┤
 *        group by server IP:port|SNI, repartition {@value #CERTIFICATES_BY_ENDPOINT} → {@value #CERTIFICATE_STORE}
 *        → expiry gauge → entries with a chain → k8spacket.certificates.v1 (compacted)
 * </pre>
 *
 * <p>Worked example: {@code web-1} (10.0.0.1) opens TLS 1.2 to {@code api-0} (10.0.0.2:443, SNI
 * {@code api.shop}) at 10:00:30 and the agent reads the chain from the handshake. The session is written keyed
 * {@code shop/web}; window [10:00, 10:01) of {@code 10.0.0.1|web-1|shop|web>10.0.0.2|api-0|shop|api|443|
 * api.shop|0x0303|0xC030} counts 1; entry {@code 10.0.0.2:443|api.shop} holds the chain, first and last seen
 * 10:00:30, clients [web-1]. A TLS 1.3 handshake there at 10:05 adds to its window and moves the entry's last
 * seen; its chain stays.
 */
public final class TlsTopology {
  /** Windowed store of {@link TlsSessionStats} per session key; read by the query API. */
  public static final String SESSION_STORE = "tls-sessions";
  /** The same statistics in coarse windows ({@code ROLLUP_WINDOW_SIZE}), for the whole periods of long ranges. */
  public static final String SESSION_ROLLUP_STORE = "tls-sessions-rollup";
  /** Key-value store of {@link Certificate} per server IP:port|SNI; read by the query API. */
  public static final String CERTIFICATE_STORE = "tls-certificates";
  /** Repartition (by server IP) before the server-side join. */
  public static final String TLS_BY_SERVER_IP = "tls-by-server-ip";
  /**
   * Versioned store of server IP → the SNI of its latest handshake (by handshake time; of two at the same
   * millisecond, the one processed last); names servers without metadata on both pages.
   */
  public static final String SERVER_NAME_STORE = "tls-server-names";
  /** Repartition (by session key) before the windowed count. */
  public static final String TLS_BY_SESSION = "tls-by-session";
  /** Repartition (by certificate key) before the certificate store. */
  public static final String CERTIFICATES_BY_ENDPOINT = "certificates-by-endpoint";

  /**
   * The first half's output: the raw events (for the fetched chains), the handshakes keyed by server IP and
   * the server IP → SNI table, keyed and partitioned like every stream repartitioned by server IP.
   */
  record Handshakes(KStream<String, TlsHandshakeEvent> raw, KStream<String, NamedTlsHandshake> byServerIp,
      KTable<String, String> serverNames) {}

  private TlsTopology() {}

  /**
   * The first half of the page, steps a–b3: the raw events, the handshakes with their client named and
   * repartitioned by server IP, and the server IP → SNI table ({@value #SERVER_NAME_STORE}) they feed, which the
   * TCP page joins too. {@link AppTopology} adds the TCP page between the halves, so sub-topologies keep their
   * numbers (task directories) from before the table existed.
   */
  static Handshakes handshakes(StreamsBuilder builder, KTable<String, EndpointMetadata> metadata,
      StreamsAppConfig config) {
    Serde<String> keys = Serdes.String();
    Serde<TlsHandshakeEvent> events = AvroSerde.of(TlsHandshakeEvent.class);

    // a. raw events, event time = observedAt; undecodable records are skipped by the deserialization handler
    KStream<String, TlsHandshakeEvent> raw = builder.stream(config.tlsTopic(), Consumed.with(keys, events)
        .withTimestampExtractor(new ObservedAtExtractor()).withName("tls-events"));
    // b1. name the client of each handshake as of its time (keyed by client IP, co-partitioned with metadata)
    KStream<String, NamedTlsHandshake> clientNamed = raw
        .filter(TlsEnrichment::isHandshake, Named.as("tls-handshakes"))
        .leftJoin(metadata, TlsEnrichment::withClient, Joined.with(keys, events, AvroSerde.of(EndpointMetadata.class))
            .withName("tls-name-client"));
    // b2. re-key by server IP and repartition
    KStream<String, NamedTlsHandshake> byServerIp = clientNamed
        .selectKey(TlsEnrichment::serverIp, Named.as("tls-key-by-server-ip"))
        .repartition(Repartitioned.with(keys, AvroSerde.of(NamedTlsHandshake.class)).withName(TLS_BY_SERVER_IP));
    // b3. server IP → SNI of its latest handshake, versioned by handshake time
    return new Handshakes(raw, byServerIp, serverNameTable(byServerIp, config));
  }

  /** The second half of the page, steps b4–f, on the first half's streams (see the class comment). */
  static void addTo(Handshakes tls, KTable<String, EndpointMetadata> metadata, StreamsAppConfig config) {
    Serde<String> keys = Serdes.String();
    Serde<EndpointMetadata> metadataSerde = AvroSerde.of(EndpointMetadata.class);
    Serde<NamedTlsHandshake> handshakes = AvroSerde.of(NamedTlsHandshake.class);
    Serde<Certificate> certificates = AvroSerde.of(Certificate.class);

    // b4. name the server from the metadata table, else from the SNI or a cached PTR name; count the handshake
    KStream<String, NamedTlsHandshake> named = tls.byServerIp()
        .leftJoin(metadata, TlsEnrichment::withServer, Joined.with(keys, handshakes, metadataSerde)
            .withName("tls-name-server"))
        .leftJoin(tls.serverNames(), TlsEnrichment::withServerName, Joined.with(keys, handshakes, Serdes.String())
            .withName("tls-name-server-by-sni"))
        .processValues(ReverseDnsNaming.handshakes(), Named.as("tls-name-server-by-reverse-dns"))
        .processValues(TlsMetrics.countHandshakes(), Named.as("tls-handshake-metrics"));
    // c. sessions out, keyed by client workload
    named.selectKey(TlsEnrichment::clientWorkloadKey, Named.as("tls-key-by-client-workload"))
        .mapValues(TlsEnrichment::session, Named.as("tls-session"))
        .to(config.tlsSessionsTopic(), Produced.with(keys, AvroSerde.of(TlsSession.class)).withName("tls-sessions"));
    // d. per session key and tumbling event-time window: count, last seen, the latest offer; the same in
    //    coarse rollup windows from the same repartition
    KGroupedStream<String, NamedTlsHandshake> bySession = named.groupBy(TlsEnrichment::sessionKey,
        Grouped.with(TLS_BY_SESSION, keys, handshakes));
    sessionWindows(bySession, config.windowSize(), SESSION_STORE, config.tlsRetention(), "tls-session-windows",
        config);
    if (!config.rollupWindowSize().isZero()) {
      sessionWindows(bySession, config.rollupWindowSize(), SESSION_ROLLUP_STORE, config.rollupRetention(),
          "tls-session-rollup-windows", config);
    }
    // e. handshakes and fetched chains as certificate observations, one entry per server IP:port|SNI
    KStream<String, Certificate> observed = named
        .mapValues(TlsEnrichment::handshakeCertificate, Named.as("tls-handshake-certificate"))
        .merge(tls.raw().filter(TlsEnrichment::isFetch, Named.as("tls-certificate-fetches"))
            .mapValues(TlsEnrichment::fetchedCertificate, Named.as("tls-fetched-certificate")),
            Named.as("tls-certificate-observations"));
    observed.groupBy(TlsEnrichment::certificateKey, Grouped.with(CERTIFICATES_BY_ENDPOINT, keys, certificates))
        .aggregate(CertificateAggregator::empty, new CertificateAggregator(config.certificateMaxClients()),
            Named.as("tls-certificate-entries"),
            Materialized.<String, Certificate, KeyValueStore<Bytes, byte[]>>as(CERTIFICATE_STORE)
                .withKeySerde(keys).withValueSerde(certificates))
        // f. expiry gauge, then the entries that have a chain to the compacted topic
        .toStream(Named.as("tls-certificate-changes"))
        .processValues(TlsMetrics.trackExpiry(), Named.as("tls-certificate-metrics"))
        .filter(TlsEnrichment::hasChain, Named.as("tls-certificates-with-chain"))
        .to(config.certificatesTopic(), Produced.with(keys, certificates).withName("certificates"));
  }

  /** TLS-session statistics of {@code bySession} in tumbling windows of {@code size}, as {@code store}. */
  private static void sessionWindows(KGroupedStream<String, NamedTlsHandshake> bySession, Duration size,
      String store, Duration retention, String name, StreamsAppConfig config) {
    bySession.windowedBy(TimeWindows.ofSizeAndGrace(size, config.windowGrace()))
        .aggregate(TlsSessionAggregator::empty, new TlsSessionAggregator(), Named.as(name),
            Materialized.<String, TlsSessionStats>as(WindowSegments.store(store, retention, size))
                .withKeySerde(Serdes.String()).withValueSerde(AvroSerde.of(TlsSessionStats.class)));
  }

  /**
   * The SNI of each server IP's handshakes as a versioned table (history {@code METADATA_HISTORY_RETENTION}),
   * so a join finds the latest SNI seen at or before the joining record's time: a handshake that arrives late
   * takes its place in history and does not override a later one. Handshakes without an SNI change nothing.
   */
  private static KTable<String, String> serverNameTable(KStream<String, NamedTlsHandshake> byServerIp,
      StreamsAppConfig config) {
    return byServerIp
        .filter(TlsEnrichment::hasServerName, Named.as("tls-with-server-name"))
        .mapValues(NamedTlsHandshake::getServerName, Named.as("tls-server-name"))
        .toTable(Named.as("tls-server-name-table"), Materialized.<String, String>as(
                Stores.persistentVersionedKeyValueStore(SERVER_NAME_STORE, config.metadataHistoryRetention()))
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
  }
}
