package io.k8spacket.streams.topology;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The traffic metrics, cluster-wide and counted once: they observe the counted connections (after count-once),
 * on the instance that owns the partition. Labels name workloads, not pods or ports, so the series stay bounded
 * by the number of workload pairs; {@code podLabels} widens them with {@code client_pod}, {@code server_pod} and
 * {@code server_port}. Metrics are not part of the exactly-once transaction: a task replayed after a crash
 * counts its uncommitted records again.
 *
 * <ul>
 *   <li>{@code k8spacket_connections_total{client_namespace, client_workload, server_namespace,
 *       server_workload}}: connections closed (a progress report is not a connection).
 *   <li>{@code k8spacket_connection_bytes_total{…, direction}}: application bytes, {@code direction} =
 *       {@code client_to_server} or {@code server_to_client}; progress reports add their deltas, so bytes show
 *       while a connection is open.
 *   <li>{@code k8spacket_connection_duration_seconds{…}}: a histogram of the durations of established
 *       connections that closed, in seconds.
 * </ul>
 * Workload = the workload, else the name (service, node, bare pod); endpoints without metadata are
 * {@code external} ({@link MetricLabels}).
 */
public final class ConnectionMetrics {
  /** Streams property holding the process's {@link ConnectionMetrics} instance. */
  public static final String CONFIG = "k8spacket.connection.metrics";
  /** Counter names (Prometheus adds {@code _total}) and the histogram's (Prometheus adds the unit). */
  public static final String CONNECTIONS = "k8spacket.connections";
  public static final String BYTES = "k8spacket.connection.bytes";
  public static final String DURATION = "k8spacket.connection.duration";
  /** Histogram buckets in seconds: 1 ms to 1 h. */
  static final double[] DURATION_BUCKETS = {0.001, 0.01, 0.1, 1, 10, 60, 300, 3600};

  private final MeterRegistry registry;
  private final boolean podLabels;
  private final ConcurrentMap<Tags, Meters> meters = new ConcurrentHashMap<>();

  public ConnectionMetrics(MeterRegistry registry, boolean podLabels) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.podLabels = podLabels;
  }

  /** Observes one counted connection or progress report. */
  public void observe(Connection c) {
    Meters m = meters.computeIfAbsent(tags(c), this::register);
    m.bytesClientToServer().increment(c.getBytesClientToServer());
    m.bytesServerToClient().increment(c.getBytesServerToClient());
    if (c.getCloseKind() == CloseKind.OPEN) {
      return;
    }
    m.connections().increment();
    if (c.getCloseKind() != CloseKind.NEVER_ESTABLISHED) {
      m.durations().record(Math.max(0, c.getCloseTimeNs() - c.getOpenTimeNs()) / 1e9);
    }
  }

  /** The meters of one label set, registered once (observe runs for every counted record). */
  private record Meters(Counter bytesClientToServer, Counter bytesServerToClient, Counter connections,
      DistributionSummary durations) {}

  private Meters register(Tags tags) {
    return new Meters(
        Counter.builder(BYTES).baseUnit("bytes").description("Application bytes of connections, counted once")
            .tags(tags).tag("direction", "client_to_server").register(registry),
        Counter.builder(BYTES).baseUnit("bytes").description("Application bytes of connections, counted once")
            .tags(tags).tag("direction", "server_to_client").register(registry),
        Counter.builder(CONNECTIONS).description("Connections closed, counted once").tags(tags).register(registry),
        DistributionSummary.builder(DURATION).baseUnit("seconds")
            .description("Durations of established connections, in seconds")
            .serviceLevelObjectives(DURATION_BUCKETS).tags(tags).register(registry));
  }

  private Tags tags(Connection c) {
    Tags tags = Tags.of("client_namespace", MetricLabels.namespace(c.getClient()),
        "client_workload", MetricLabels.workload(c.getClient()),
        "server_namespace", MetricLabels.namespace(c.getServer()),
        "server_workload", MetricLabels.workload(c.getServer()));
    return podLabels ? tags.and("client_pod", MetricLabels.pod(c.getClient()),
        "server_pod", MetricLabels.pod(c.getServer()), "server_port", Integer.toString(c.getServerPort())) : tags;
  }

  /** A pass-through step that shows each counted connection to the process's metrics. */
  public static FixedKeyProcessorSupplier<String, Connection, Connection> count() {
    return () -> new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, Connection> context;
      private ConnectionMetrics metrics;

      @Override
      public void init(FixedKeyProcessorContext<String, Connection> context) {
        this.context = context;
        this.metrics = from(context.appConfigs());
      }

      @Override
      public void process(FixedKeyRecord<String, Connection> record) {
        if (record.value() != null) {
          metrics.observe(record.value());
        }
        context.forward(record);
      }
    };
  }

  /** The process's instance from the streams properties, else one on the meter registry there, else global. */
  static ConnectionMetrics from(Map<String, Object> appConfigs) {
    if (appConfigs.get(CONFIG) instanceof ConnectionMetrics m) {
      return m;
    }
    if (appConfigs.get(LogAndCountDeserializationHandler.METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
      return new ConnectionMetrics(r, false);
    }
    return new ConnectionMetrics(Metrics.globalRegistry, false);
  }
}
