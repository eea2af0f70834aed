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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent in this JVM: TCP probe in the kernel, ring reader thread, Kafka sink, and the HTTP endpoints.
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
  private final AgentHttpServer http;
  private boolean closed;

  private NodeAgent(AgentMetrics metrics, EventSink sink, TcpProbe probe, EventSource source, EventPump pump,
      AgentHttpServer http) {
    this.metrics = metrics;
    this.sink = sink;
    this.probe = probe;
    this.source = source;
    this.pump = pump;
    this.http = http;
  }

  /**
   * Starts the agent publishing to Kafka.
   *
   * @throws AgentStartupException when this host cannot run the probe (message is one line for the operator)
   */
  public static NodeAgent start(AgentConfig config) {
    Preflight.check(HostFacts.current()); // before waiting for Kafka: an unsupported host fails at once
    AgentMetrics metrics = new AgentMetrics();
    KafkaEventSink sink = new KafkaEventSink(config.kafkaBootstrap(), config.tcpTopic(), config.nodeName(),
        config.producerBufferBytes(), config.producerMaxBlockMs(), extraProducerConfig(config), metrics);
    if (!sink.awaitMetadata(METADATA_WAIT)) {
      LOG.warn("Kafka at {} is unreachable or has no topic {}: events are dropped and counted until that changes",
          config.kafkaBootstrap(), config.tcpTopic());
    }
    return start(config, sink, metrics);
  }

  /** Starts the agent handing events to {@code sink}, which it closes on {@link #close()}. */
  public static NodeAgent start(AgentConfig config, EventSink sink) {
    return start(config, sink, new AgentMetrics());
  }

  private static NodeAgent start(AgentConfig config, EventSink sink, AgentMetrics metrics) {
    TcpProbe probe = null;
    try {
      probe = TcpProbe.attach(new TcpProbe.Options(config.maxSockets(), config.ringBytes(), config.ignoreLoopback()));
      metrics.bindKernel(probe.counters());
      return start(config, new RingBufferReader(probe.ringFd(), probe.ringBytes()), sink, probe, metrics);
    } catch (RuntimeException e) {
      if (probe != null) {
        probe.close();
      }
      sink.close();
      throw e;
    }
  }

  /** Starts the pipeline and HTTP on any source; {@code probe} may be null (tests without root). */
  static NodeAgent start(AgentConfig config, EventSource source, EventSink sink, TcpProbe probe,
      AgentMetrics metrics) {
    metrics.bindRing(source);
    metrics.bindSink(sink);
    EventPump pump = new EventPump(source, BootClock.system(), sink, metrics,
        Duration.ofMillis(config.pollIntervalMs()), config.pollBatch()).start();
    AgentHttpServer http;
    try {
      http = AgentHttpServer.start(config.httpPort(), metrics, pump::healthy);
    } catch (RuntimeException e) {
      pump.close();
      source.close();
      throw e;
    }
    LOG.info("agent started on node {}: reading every {} ms, /metrics and /healthz on port {}",
        config.nodeName(), config.pollIntervalMs(), http.port());
    return new NodeAgent(metrics, sink, probe, source, pump, http);
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

  /** True while the probe is attached and the reader is reading (what /healthz answers). */
  public boolean healthy() {
    return pump.healthy();
  }

  /** The agent's metrics. */
  public AgentMetrics metrics() {
    return metrics;
  }

  /** Stops reading (after a last drain), flushes the sink, detaches the probe, stops HTTP; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pump.close();
    source.close();
    sink.close();
    if (probe != null) {
      probe.close();
    }
    http.close();
    LOG.info("agent stopped");
  }
}
