package io.k8spacket.streams.topology;

import io.k8spacket.avro.Certificate;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.NamedTlsHandshake;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.GroupBy;
import io.k8spacket.schema.TlsNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The TLS metrics, cluster-wide because each partition has one owner: every handshake is counted once, by the
 * instance that processes it (a task replayed after a crash counts its uncommitted records again: metrics are
 * not part of the exactly-once transaction).
 *
 * <ul>
 *   <li>{@code k8spacket_tls_handshakes_total{client_namespace, client_workload, server_namespace,
 *       server_workload, tls_version, cipher_suite}}: a counter. Workload = the workload, else the name
 *       (service, node, bare pod); endpoints without metadata are {@code external}, so external IPs do not
 *       multiply series. Versions and suites are {@link TlsNames} names ({@code none} without a ServerHello).
 *   <li>{@code k8spacket_tls_certificate_expiry_timestamp_seconds{server, port, domain}}: a gauge, the leaf's
 *       notAfter in seconds since the epoch. {@code server} is the server's workload key as the API writes it
 *       ({@code shop/web}), or its IP when unnamed; {@code domain} the SNI ({@code ""} when none). When
 *       several endpoints share labels (pods of one workload), the last chain seen wins.
 * </ul>
 *
 * <p>The instance comes from the streams properties under {@link #CONFIG} (one per process, so gauges are
 * shared by every task); without one, a {@link MeterRegistry} under
 * {@link LogAndCountDeserializationHandler#METER_REGISTRY_CONFIG}, else Micrometer's global registry.
 */
public final class TlsMetrics {
  /** Streams property holding the process's {@link TlsMetrics} instance. */
  public static final String CONFIG = "k8spacket.tls.metrics";
  /** Counter name (Prometheus adds {@code _total}). */
  public static final String HANDSHAKES = "k8spacket.tls.handshakes";
  /** Gauge name. */
  public static final String CERTIFICATE_EXPIRY = "k8spacket.tls.certificate.expiry.timestamp.seconds";

  private final MeterRegistry registry;
  private final ConcurrentMap<Tags, AtomicLong> expiry = new ConcurrentHashMap<>();

  public TlsMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Counts one handshake. */
  public void handshake(NamedTlsHandshake h) {
    int version = TlsEnrichment.version(h);
    int suite = TlsEnrichment.cipherSuite(h);
    registry.counter(HANDSHAKES, Tags.of(
        "client_namespace", MetricLabels.namespace(h.getClient()),
        "client_workload", MetricLabels.workload(h.getClient()),
        "server_namespace", MetricLabels.namespace(h.getServer()),
        "server_workload", MetricLabels.workload(h.getServer()),
        "tls_version", version == TlsEnrichment.NONE ? "none" : TlsNames.version(version),
        "cipher_suite", suite == TlsEnrichment.NONE ? "none" : TlsNames.cipherSuite(suite))).increment();
  }

  /** Sets the expiry gauge of an entry with a chain; entries without one are ignored. */
  public void certificate(Certificate c) {
    if (c.getChain().isEmpty()) {
      return;
    }
    Tags tags = Tags.of("server", server(c), "port", Integer.toString(c.getServerPort()),
        "domain", Objects.toString(c.getServerName(), ""));
    AtomicLong seconds = expiry.computeIfAbsent(tags, t -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(CERTIFICATE_EXPIRY, value, AtomicLong::get)
          .description("notAfter of the leaf certificate a server endpoint presents for an SNI, in seconds")
          .tags(t).register(registry);
      return value;
    });
    seconds.set(Math.floorDiv(c.getChain().get(0).getNotAfterMs(), 1000L));
  }

  /** A pass-through step that counts each handshake. */
  public static FixedKeyProcessorSupplier<String, NamedTlsHandshake, NamedTlsHandshake> countHandshakes() {
    return () -> new Step<NamedTlsHandshake>() {
      @Override
      void observe(TlsMetrics metrics, NamedTlsHandshake h) {
        metrics.handshake(h);
      }
    };
  }

  /** A pass-through step that sets the expiry gauge of each certificate entry. */
  public static FixedKeyProcessorSupplier<String, Certificate, Certificate> trackExpiry() {
    return () -> new Step<Certificate>() {
      @Override
      void observe(TlsMetrics metrics, Certificate c) {
        metrics.certificate(c);
      }
    };
  }

  /** The process's instance from the streams properties (see the class comment). */
  static TlsMetrics from(Map<String, Object> appConfigs) {
    if (appConfigs.get(CONFIG) instanceof TlsMetrics m) {
      return m;
    }
    if (appConfigs.get(LogAndCountDeserializationHandler.METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
      return new TlsMetrics(r);
    }
    return new TlsMetrics(Metrics.globalRegistry);
  }

  /** The API's {@code server}: {@code ns/workload}, {@code ns/svc.name}, {@code node.name}, or the IP. */
  private static String server(Certificate c) {
    Endpoint e = c.getServer();
    if (e == null || e.getKind() == EndpointKind.UNKNOWN) {
      return c.getServerIp();
    }
    return GroupBy.WORKLOAD.group(new EndpointView(e.getIp(), e.getName(), e.getNamespace(), e.getWorkload(),
        e.getWorkloadKind(), e.getKind().name().toLowerCase(Locale.ROOT))).key();
  }

  /** A pass-through processor that shows each value to the metrics. */
  private abstract static class Step<V> implements FixedKeyProcessor<String, V, V> {
    private FixedKeyProcessorContext<String, V> context;
    private TlsMetrics metrics;

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
      this.context = context;
      this.metrics = from(context.appConfigs());
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      if (record.value() != null) {
        observe(metrics, record.value());
      }
      context.forward(record);
    }

    abstract void observe(TlsMetrics metrics, V value);
  }
}
