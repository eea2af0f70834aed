package io.k8spacket.agent;

import io.k8spacket.agent.bpf.HostFacts;
import io.k8spacket.agent.bpf.Preflight;
import io.k8spacket.agent.bpf.RingBufferReader;
import io.k8spacket.agent.bpf.TcpProbe;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.http.AgentHttpServer;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.EventPump;
import io.k8spacket.agent.pipeline.EventSink;
import io.k8spacket.agent.pipeline.EventSource;
import io.k8spacket.agent.pipeline.KafkaEventSink;
import io.k8spacket.agent.pipeline.TcpRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent in this JVM: TCP probe in the kernel with its ring reader thread, TLS capture (programs on the
 * followed interfaces, a second reader thread, handshake reassembly; see {@link TlsCapture}), one Kafka sink for
 * both, and the HTTP endpoints.
 * Usable in-process (the standalone launcher runs it next to the broker and the streams app) and from
 * {@link AgentMain}. {@link #close()} undoes everything in reverse order and may be called any number of times.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration METADATA_WAIT = Duration.ofSeconds(2);

  private final AgentMetrics metrics;
  private final EventSink sink;
  private final TcpProbe probe;
  private final EventSource source;
  private final EventPump pump;
  private final TlsCapture tls;
  private final AgentHttpServer http;
  private boolean closed;

  private NodeAgent(AgentMetrics metrics, EventSink sink, TcpProbe probe, EventSource source, EventPump pump,
      TlsCapture tls, AgentHttpServer http) {
    this.metrics = metrics;
    this.sink = sink;
    this.probe = probe;
    this.source = source;
    this.pump = pump;
    this.tls = tls;
    this.http = http;
  }

  /**
   * Starts the agent publishing to Kafka.
   *
   * @throws AgentStartupException when this host cannot run the probe (message is one line for the operator)
   */
  public static NodeAgent start(AgentConfig config) {
    Preflight.check(HostFacts.current()); // before waiting for Kafka: an unsupported host fails at once
    if (config.tlsEnabled()) {
      Preflight.checkTls(HostFacts.current());
    }
    AgentMetrics metrics = new AgentMetrics();
    KafkaEventSink sink = new KafkaEventSink(config.kafkaBootstrap(), config.tcpTopic(), config.tlsTopic(),
        config.nodeName(), config.producerBufferBytes(), config.producerMaxBlockMs(),
        config.producerDeliveryTimeoutMs(), extraProducerConfig(config), metrics);
    String[] topics = config.tlsEnabled()
        ? new String[] {config.tcpTopic(), config.tlsTopic()} : new String[] {config.tcpTopic()};
    if (!sink.awaitMetadata(METADATA_WAIT, topics)) {
      LOG.warn("Kafka at {} is unreachable or lacks topic {}: events are dropped and counted until that changes",
          config.kafkaBootstrap(), String.join(" or ", topics));
    }
    return start(config, sink, metrics);
  }

  /**
   * Starts the agent handing events to {@code sink} (TCP connections, and TLS handshakes when
   * {@link AgentConfig#tlsEnabled()}), which it closes on {@link #close()}.
   */
  public static NodeAgent start(AgentConfig config, EventSink sink) {
    return start(config, sink, new AgentMetrics());
  }

  private static NodeAgent start(AgentConfig config, EventSink sink, AgentMetrics metrics) {
    TcpProbe probe = null;
    TlsCapture tls = null;
    try {
      probe = TcpProbe.attach(new TcpProbe.Options(config.ringBytes(), config.ignoreLoopback(),
          config.reportIntervalMs() > 0));
      metrics.bindKernel(probe.counters());
      BootClock clock = BootClock.system();
      if (config.tlsEnabled()) {
        tls = TlsCapture.start(config, sink, metrics, clock);
      } else {
        LOG.info("TLS capture off ({}TLS_ENABLED=false)", AgentConfig.PREFIX);
      }
      return start(config, new RingBufferReader(probe.ringFd(), probe.ringBytes()), sink, probe, tls, metrics,
          clock);
    } catch (RuntimeException e) {
      if (tls != null) {
        tls.close();
      }
      if (probe != null) {
        probe.close();
      }
      sink.close();
      throw e;
    }
  }

  /** Starts the TCP pipeline and HTTP on any source; {@code probe} may be null (tests without root). */
  static NodeAgent start(AgentConfig config, EventSource source, EventSink sink, TcpProbe probe,
      AgentMetrics metrics) {
    return start(config, source, sink, probe, null, metrics, BootClock.system());
  }

  private static NodeAgent start(AgentConfig config, EventSource source, EventSink sink, TcpProbe probe,
      TlsCapture tls, AgentMetrics metrics, BootClock clock) {
    metrics.bindRing(source);
    metrics.bindSink(sink);
    boolean reports = probe != null && probe.reportsEnabled();
    TcpRecords records = reports
        ? new TcpRecords(clock, sink, metrics, probe::requestReports, Duration.ofMillis(config.reportIntervalMs()))
        : new TcpRecords(clock, sink, metrics);
    EventPump pump = new EventPump(source, records, clock, Duration.ofMillis(config.pollIntervalMs()),
        config.pollBatch(), "k8spacket-ring-reader").start();
    AgentHttpServer http;
    try {
      http = AgentHttpServer.start(config.httpPort(), metrics,
          () -> pump.healthy() && (tls == null || tls.healthy()));
    } catch (RuntimeException e) {
      pump.close();
      source.close();
      throw e;
    }
    LOG.info("agent started on node {}: reading every {} ms, open connections reported {}, TLS capture {},"
        + " /metrics and /healthz on port {}", config.nodeName(), config.pollIntervalMs(),
        reports ? "every " + config.reportIntervalMs() + " ms" : "at close only",
        tls == null ? "off" : "on " + tls.interfaces().attachedCount() + " interfaces", http.port());
    return new NodeAgent(metrics, sink, probe, source, pump, tls, http);
  }

  private static Map<String, Object> extraProducerConfig(AgentConfig config) {
    Map<String, Object> extra = new HashMap<>();
    config.kafkaConfigFile().ifPresent(path -> {
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(path)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(AgentConfig.PREFIX + "KAFKA_CONFIG_FILE: cannot read " + path, e);
      }
      props.forEach((k, v) -> extra.put((String) k, v));
    });
    return extra;
  }

  /** The port serving /metrics and /healthz. */
  public int httpPort() {
    return http.port();
  }

  /** True while the probe is attached and the readers are reading (what /healthz answers). */
  public boolean healthy() {
    return pump.healthy() && (tls == null || tls.healthy());
  }

  /** Names of the interfaces the TLS programs are attached to now (empty when TLS capture is off). */
  public Set<String> tlsInterfaces() {
    return tls == null ? Set.of() : tls.interfaces().attachedNames();
  }

  /** The agent's metrics. */
  public AgentMetrics metrics() {
    return metrics;
  }

  /**
   * Stops reading (after a last drain), detaches TLS capture from every interface, flushes the sink, detaches
   * the probe, stops HTTP; idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pump.close();
    source.close();
    if (tls != null) {
      tls.close();
    }
    sink.close();
    if (probe != null) {
      probe.close();
    }
    http.close();
    LOG.info("agent stopped");
  }
}
