package io.k8spacket.streams.query;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.TlsSessionStats;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.query.tls.CertificateInfoView;
import io.k8spacket.query.tls.CertificateView;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.query.tls.TlsSessionSample;
import io.k8spacket.schema.TlsNames;
import io.k8spacket.streams.topology.TlsEnrichment;
import io.k8spacket.streams.topology.TlsTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@link TlsReader} over this instance's partitions of the TLS-session window store and the certificate store
 * (interactive queries). Ranges are read as in {@link EdgeStoreReader} (fine windows, rollups for long ones);
 * versions and cipher suites are named with {@link TlsNames} ({@code ""} when no ServerHello was seen). The
 * {@code …Of(partitions, …)} methods read named partitions only, for {@link LocalShards}.
 */
public final class TlsStoreReader implements TlsReader {
  private final KafkaStreams streams;
  private final WindowedStores<TlsSessionStats> sessions;

  /** Fine windows kept for {@code fineRetention}, rollup windows of {@code rollupSize} (zero: none). */
  public TlsStoreReader(KafkaStreams streams, Duration windowSize, Duration fineRetention, Duration rollupSize,
      Clock clock) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.sessions = new WindowedStores<>(streams, TlsTopology.SESSION_STORE, windowSize, fineRetention,
        TlsTopology.SESSION_ROLLUP_STORE, rollupSize, clock);
  }

  @Override
  public List<TlsSessionSample> sessions(long fromMs, long toMs) {
    return sessions.read(fromMs, toMs, TlsStoreReader::sample);
  }

  /**
   * The session samples of the given partitions only, each an active, running task here (else
   * {@link StoreUnavailableException}): this instance's share of a cluster-wide read.
   */
  public List<TlsSessionSample> sessionsOf(Set<Integer> partitions, long fromMs, long toMs) {
    return sessions.read(fromMs, toMs, TlsStoreReader::sample, Objects.requireNonNull(partitions, "partitions"));
  }

  @Override
  public Optional<CertificateView> certificate(String key) {
    return certificatesOf(null, Objects.requireNonNull(key, "key")).stream().findFirst();
  }

  @Override
  public List<CertificateView> certificates() {
    return certificatesOf(null, null);
  }

  /**
   * Every entry of the partitions (null: all local ones), each an active, running task here; with a {@code key}
   * (not null), only that entry if one of them holds it.
   */
  public List<CertificateView> certificatesOf(Set<Integer> partitions, String key) {
    if (key != null) {
      List<CertificateView> found = new ArrayList<>();
      for (ReadOnlyKeyValueStore<String, Certificate> store : certificateStores(partitions)) {
        read(TlsTopology.CERTIFICATE_STORE, () -> Optional.ofNullable(store.get(key)).map(c -> view(key, c)))
            .ifPresent(found::add);
      }
      return found;
    }
    List<CertificateView> all = new ArrayList<>();
    for (ReadOnlyKeyValueStore<String, Certificate> store : certificateStores(partitions)) {
      read(TlsTopology.CERTIFICATE_STORE, () -> {
        try (KeyValueIterator<String, Certificate> it = store.all()) {
          it.forEachRemaining(kv -> all.add(view(kv.key, kv.value)));
        }
        return all;
      });
    }
    return all;
  }

  /** The certificate store over all local partitions (null), or one store per given partition. */
  private List<ReadOnlyKeyValueStore<String, Certificate>> certificateStores(Set<Integer> partitions) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, Certificate>> parameters =
        StoreQueryParameters.fromNameAndType(TlsTopology.CERTIFICATE_STORE, QueryableStoreTypes.keyValueStore());
    if (partitions == null) {
      return List.of(store(parameters));
    }
    List<ReadOnlyKeyValueStore<String, Certificate>> stores = new ArrayList<>();
    for (int p : partitions) {
      stores.add(store(parameters.withPartition(p)));
    }
    return stores;
  }

  private <T> T store(StoreQueryParameters<T> parameters) {
    try {
      return streams.store(parameters);
    } catch (InvalidStateStoreException e) {
      throw unavailable(parameters.storeName() + (parameters.partition() == null ? ""
          : " partition " + parameters.partition()), e);
    }
  }

  private static <T> T read(String name, Supplier<T> query) {
    try {
      return query.get();
    } catch (InvalidStateStoreException e) {
      throw unavailable(name, e);
    }
  }

  private static StoreUnavailableException unavailable(String name, InvalidStateStoreException e) {
    return new StoreUnavailableException("store " + name + " is not queryable now: " + e.getMessage(), e);
  }

  static TlsSessionSample sample(Windowed<String> key, TlsSessionStats s) {
    return new TlsSessionSample(key.window().start(), key.window().end(), EdgeStoreReader.view(s.getClient()),
        EdgeStoreReader.view(s.getServer()), s.getServerPort(), s.getServerName(), version(s.getVersion()),
        cipherSuite(s.getCipherSuite()), s.getCount(), s.getLastSeenMs(), TlsNames.versions(s.getClientVersions()),
        TlsNames.cipherSuites(s.getClientCipherSuites()), s.getAlpn(), s.getOfferedAlpn(), s.getJa4(),
        s.getLeafSha256());
  }

  static CertificateView view(String key, Certificate c) {
    return new CertificateView(key, c.getServerIp(), c.getServerPort(), c.getServerName(),
        c.getServer() == null ? null : EdgeStoreReader.view(c.getServer()), c.getSource().name(),
        c.getChain().stream().map(TlsStoreReader::info).toList(), c.getFirstSeenMs(), c.getLastSeenMs(),
        c.getClients().stream().map(EdgeStoreReader::view).toList());
  }

  static CertificateInfoView info(CertificateInfo i) {
    return new CertificateInfoView(i.getSubject(), i.getIssuer(), i.getSubjectAltNames(), i.getSerialHex(),
        i.getNotBeforeMs(), i.getNotAfterMs(), i.getKeyType(), i.getKeyBits(), i.getSignatureAlgorithm(),
        i.getSha256());
  }

  private static String version(int version) {
    return version == TlsEnrichment.NONE ? "" : TlsNames.version(version);
  }

  private static String cipherSuite(int suite) {
    return suite == TlsEnrichment.NONE ? "" : TlsNames.cipherSuite(suite);
  }
}
