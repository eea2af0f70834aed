package io.k8spacket.streams;

import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.tls.TlsReader;
import io.k8spacket.streams.query.EdgeStoreReader;
import io.k8spacket.streams.query.LocalShards;
import io.k8spacket.streams.query.StoreOwners;
import io.k8spacket.streams.query.TlsStoreReader;
import io.k8spacket.streams.topology.AppTopology;
import io.k8spacket.streams.topology.ConnectionMetrics;
import io.k8spacket.streams.topology.LogAndCountDeserializationHandler;
import io.k8spacket.streams.topology.ReverseDnsCache;
import io.k8spacket.streams.topology.TlsMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link KafkaStreams} client of this process: build, start, wait, query, close.
 *
 * <p>An exception that escapes a stream thread (Kafka Streams already retries transient broker errors itself)
 * replaces the thread: with exactly-once it resumes from the last commit, which heals one-off failures. A
 * failure that repeats ({@value #MAX_REPLACEMENTS} times within {@link #REPLACEMENT_WINDOW}) is
 * deterministic, e.g. a bug on one record, and replacing again would loop forever; the client then shuts down
 * (state ERROR) so health checks fail and the orchestrator restarts the process.
 */
public final class StreamsRunner implements AutoCloseable {
  static final int MAX_REPLACEMENTS = 3;
  static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** Gauge name of the client state. */
  public static final String STATE_GAUGE = "k8spacket.streams.state";
  private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

  private final StreamsAppConfig config;
  private final KafkaStreams streams;
  private final TopologyDescription topology;
  private final KafkaStreamsMetrics metrics;
  private final ReverseDnsCache reverseDns;
  private final ThreadFailurePolicy failurePolicy = new ThreadFailurePolicy(MAX_REPLACEMENTS, REPLACEMENT_WINDOW);
  private final Object stateLock = new Object();
  private boolean started;
  private boolean closed;

  /**
   * Builds the topology ({@link AppTopology}: TCP and TLS pages) and client; Kafka metrics, the client state,
   * the skipped-record counter, the traffic metrics ({@link ConnectionMetrics}) and the TLS metrics
   * ({@link TlsMetrics}) go to {@code registry}. With {@code REVERSE_DNS} on, the
   * topology reads this runner's {@link ReverseDnsCache} (its lookup threads stop on {@link #close}).
   */
  public StreamsRunner(StreamsAppConfig config, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    Properties props = config.streamsProperties();
    props.put(LogAndCountDeserializationHandler.METER_REGISTRY_CONFIG, registry);
    props.put(TlsMetrics.CONFIG, new TlsMetrics(registry));
    props.put(ConnectionMetrics.CONFIG, new ConnectionMetrics(registry, config.metricsPodLabels()));
    this.reverseDns = config.reverseDns()
        ? ReverseDnsCache.create(config.reverseDnsCacheSize(), config.reverseDnsTtl()) : null;
    if (reverseDns != null) {
      props.put(ReverseDnsCache.CONFIG, reverseDns);
    }
    Topology built = AppTopology.buildTopology(config);
    this.topology = built.describe();
    this.streams = new KafkaStreams(built, props);
    this.streams.setStateListener(this::onStateChange);
    this.streams.setUncaughtExceptionHandler(this::onUncaught);
    this.metrics = new KafkaStreamsMetrics(streams);
    this.metrics.bindTo(registry);
    bindState(registry);
  }

  /** {@code k8spacket_streams_state{state}}: 1 for the client's current state, 0 for the others. */
  private void bindState(MeterRegistry registry) {
    for (KafkaStreams.State state : KafkaStreams.State.values()) {
      Gauge.builder(STATE_GAUGE, streams, s -> s.state() == state ? 1 : 0).tag("state", state.name())
          .description("1 for the current Kafka Streams client state, 0 for the others").register(registry);
    }
  }

  /** Starts processing in the background; call once. */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    started = true;
    LOG.info("starting Kafka Streams application {} against {}", config.applicationId(), config.bootstrapServers());
    streams.start();
  }

  /**
   * Waits until the client is RUNNING (all tasks assigned and restored). Returns false on timeout.
   *
   * @throws IllegalStateException when the client stopped (ERROR or NOT_RUNNING) and can never run
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stateLock) {
      while (true) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING) {
          return true;
        }
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
            || state == KafkaStreams.State.PENDING_ERROR) {
          throw new IllegalStateException("Kafka Streams stopped in state " + state);
        }
        long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
        if (leftMs <= 0) {
          return false;
        }
        stateLock.wait(leftMs);
      }
    }
  }

  /** Current client state (CREATED, REBALANCING, RUNNING, ...). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Reads the edge store of this instance; throws StoreUnavailableException while it is not queryable. */
  public EdgeReader edgeReader() {
    return edgeStoreReader();
  }

  private EdgeStoreReader edgeStoreReader() {
    return new EdgeStoreReader(streams, config.windowSize(), config.edgeRetention(), config.rollupWindowSize(),
        Clock.systemUTC());
  }

  /** Reads the TLS-session and certificate stores of this instance; throws StoreUnavailableException likewise. */
  public TlsReader tlsReader() {
    return tlsStoreReader();
  }

  private TlsStoreReader tlsStoreReader() {
    return new TlsStoreReader(streams, config.windowSize(), config.tlsRetention(), config.rollupWindowSize(),
        Clock.systemUTC());
  }

  /**
   * This instance's stores read partition by partition: what its peers ask for over the internal endpoints, and
   * its own share of a cluster-wide read.
   */
  public LocalShards localShards() {
    return new LocalShards(edgeStoreReader(), tlsStoreReader());
  }

  /**
   * Which instance owns which partitions of each store, from this client's metadata; {@code self} is this
   * instance's {@code application.server}.
   */
  public StoreOwners storeOwners(HostInfo self) {
    return new StoreOwners(streams, topology, config.applicationId(), self);
  }

  /** Stops processing and releases the state directory; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    streams.close(CLOSE_TIMEOUT);
    metrics.close();
    if (reverseDns != null) {
      reverseDns.close();
    }
  }

  private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
    LOG.info("Kafka Streams state {} -> {}", oldState, newState);
    synchronized (stateLock) {
      stateLock.notifyAll();
    }
  }

  private StreamThreadExceptionResponse onUncaught(Throwable error) {
    StreamThreadExceptionResponse response = failurePolicy.onFailure(System.currentTimeMillis());
    if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
      LOG.error("stream thread failed, replacing it: {}", describe(error));
    } else {
      LOG.error("stream thread failed {} times within {}, shutting Kafka Streams down: {}", MAX_REPLACEMENTS + 1,
          REPLACEMENT_WINDOW, describe(error));
    }
    LOG.debug("stream thread failure", error);
    return response;
  }

  /** The exception and its causes on one line (the stack trace is logged at DEBUG). */
  private static String describe(Throwable error) {
    StringBuilder sb = new StringBuilder(error.toString());
    for (Throwable c = error.getCause(); c != null; c = c.getCause()) {
      sb.append(" <- ").append(c);
    }
    return sb.toString();
  }
}
