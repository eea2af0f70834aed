package io.k8spacket.agent.metrics;

import io.k8spacket.agent.bpf.KernelCounters;
import io.k8spacket.agent.pipeline.EventSink;
import io.k8spacket.agent.pipeline.EventSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The agent's Prometheus metrics, in one place so their names stay greppable. Counters the agent increments
 * itself; the kernel's counters, the ring fill and the producer buffer are read at scrape time.
 */
public final class AgentMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter eventsRead = counter("k8spacket.agent.events.read",
      "Records read from the kernel ring buffer.");
  private final Counter eventsSent = counter("k8spacket.agent.events.sent",
      "Events acknowledged by Kafka.");
  private final Counter sendFailures = counter("k8spacket.agent.send.failures",
      "Events dropped because the producer could not buffer them or Kafka rejected them.");
  private final Counter decodeErrors = counter("k8spacket.agent.decode.errors",
      "Ring-buffer records that could not be decoded (unknown enum values, short records).");

  private Counter counter(String name, String help) {
    return Counter.builder(name).description(help).register(registry);
  }

  /** Exports the probe's kernel-side counters (read from the per-CPU map at scrape time). */
  public void bindKernel(KernelCounters counters) {
    FunctionCounter.builder("k8spacket.agent.kernel.drops", counters, c -> c.get(KernelCounters.RINGBUF_DROPS))
        .description("Events the kernel dropped because the ring buffer was full.").register(registry);
    FunctionCounter.builder("k8spacket.agent.untracked.closes", counters,
            c -> c.get(KernelCounters.UNTRACKED_CLOSE))
        .description("TCP sockets that closed without having been seen opening (older than the probe).")
        .register(registry);
  }

  /** Exports how full the ring buffer is. */
  public void bindRing(EventSource source) {
    Gauge.builder("k8spacket.agent.ring.buffer.used.bytes", source, EventSource::pendingBytes).strongReference(true)
        .description("Bytes in the ring buffer not yet read.").register(registry);
    Gauge.builder("k8spacket.agent.ring.buffer.capacity.bytes", source, EventSource::capacityBytes)
        .strongReference(true).description("Size of the ring buffer.").register(registry);
  }

  /** Exports how much the sink holds in memory. */
  public void bindSink(EventSink sink) {
    Gauge.builder("k8spacket.agent.producer.buffer.used.bytes", sink, EventSink::bufferedBytes)
        .strongReference(true).description("Bytes the Kafka producer holds, not yet delivered.").register(registry);
  }

  public void eventRead() {
    eventsRead.increment();
  }

  public void eventSent() {
    eventsSent.increment();
  }

  public void sendFailed() {
    sendFailures.increment();
  }

  public void decodeError() {
    decodeErrors.increment();
  }

  /** Current value of a counter or gauge by its Prometheus-style dotted name, for tests and logs. */
  public double value(String name) {
    var meter = registry.find(name).meter();
    if (meter == null) {
      throw new IllegalArgumentException("no meter " + name);
    }
    return meter.measure().iterator().next().getValue();
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
