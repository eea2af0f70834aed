package io.k8spacket.agent.metrics;

import io.k8spacket.agent.bpf.KernelCounters;
import io.k8spacket.agent.bpf.TlsProbe;
import io.k8spacket.agent.tc.InterfaceFollower;
import io.k8spacket.agent.tls.TlsAssemblerStats;
import io.k8spacket.agent.pipeline.EventSink;
import io.k8spacket.agent.pipeline.EventSource;
import io.k8spacket.agent.pipeline.ProgressLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The agent's Prometheus metrics, in one place so their names stay greppable. Counters the agent increments
 * itself; the kernel's counters, the ring fill and the producer buffer are read at scrape time.
 */
public final class AgentMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ReaderCount eventsRead = readerCounter("k8spacket.agent.events.read",
      "Records read from the kernel ring buffer.");
  private final Counter eventsSent = counter("k8spacket.agent.events.sent",
      "Events acknowledged by Kafka.");
  private final Counter sendFailures = counter("k8spacket.agent.send.failures",
      "Events dropped: beyond the buffer bound, not acknowledged within the delivery timeout, or rejected by Kafka.");
  private final Counter decodeErrors = counter("k8spacket.agent.decode.errors",
      "Ring-buffer records that could not be decoded (unknown enum values, short records).");
  private final Counter progressReports = counter("k8spacket.agent.progress.reports",
      "Progress reports of open connections published (reports with new bytes since the previous one).");
  private final ReaderCount tlsChunksRead = readerCounter("k8spacket.agent.tls.chunks.read",
      "TLS handshake chunks read from the kernel ring buffer.");
  private final Counter tlsHandshakes = counter("k8spacket.agent.tls.handshakes",
      "TLS handshake events handed to the sink (k8spacket.tls.v1).");

  private Counter counter(String name, String help) {
    return Counter.builder(name).description(help).register(registry);
  }

  /**
   * A count bumped once per ring record by its one reader thread: a plain store (opaque: never torn, visible to
   * the scraping thread soon after) instead of a shared counter's atomic add, which cost as much as the rest of
   * the event's decoding.
   */
  private static final class ReaderCount {
    private static final VarHandle VALUE;

    static {
      try {
        VALUE = MethodHandles.lookup().findVarHandle(ReaderCount.class, "value", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused") // through VALUE
    private long value;

    /** By the reader thread only. */
    void increment() {
      VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + 1);
    }

    long get() {
      return (long) VALUE.getOpaque(this);
    }
  }

  private ReaderCount readerCounter(String name, String help) {
    ReaderCount count = new ReaderCount();
    FunctionCounter.builder(name, count, ReaderCount::get).description(help).register(registry);
    return count;
  }

  /** Exports the probe's kernel-side counters (read from the per-CPU map at scrape time). */
  public void bindKernel(KernelCounters counters) {
    FunctionCounter.builder("k8spacket.agent.kernel.drops", counters, c -> c.get(KernelCounters.RINGBUF_DROPS))
        .description("Events the kernel dropped because the ring buffer was full.").register(registry);
    FunctionCounter.builder("k8spacket.agent.untracked.closes", counters,
            c -> c.get(KernelCounters.UNTRACKED_CLOSE))
        .description("TCP sockets that closed without having been seen opening (older than the probe).")
        .register(registry);
    FunctionCounter.builder("k8spacket.agent.kernel.progress.reports", counters,
            c -> c.get(KernelCounters.REPORTS))
        .description("Progress reports of open sockets the kernel wrote to the ring buffer.").register(registry);
  }

  /** Exports the progress ledger's size and evictions (read at scrape time). */
  public void bindProgress(ProgressLedger ledger) {
    FunctionCounter.builder("k8spacket.agent.progress.evictions", ledger, ProgressLedger::evictions)
        .description("Open sockets whose reported totals were forgotten to stay within the bound; their close"
            + " counts again what they had reported.").register(registry);
    Gauge.builder("k8spacket.agent.progress.open.sockets", ledger, ProgressLedger::openSockets)
        .description("Open sockets whose reported totals the agent remembers.").register(registry);
  }

  /** Exports the TLS capture programs' kernel-side counters (indexes: {@link TlsProbe}). */
  public void bindTlsKernel(KernelCounters counters) {
    FunctionCounter.builder("k8spacket.agent.tls.kernel.drops", counters, c -> c.get(TlsProbe.RINGBUF_DROPS))
        .description("TLS chunks the kernel dropped because the TLS ring buffer was full.").register(registry);
    FunctionCounter.builder("k8spacket.agent.tls.kernel.flows", counters, c -> c.get(TlsProbe.FLOWS))
        .description("Handshake flow directions the kernel started following (ClientHello or ServerHello seen).")
        .register(registry);
    FunctionCounter.builder("k8spacket.agent.tls.kernel.truncations", counters, c -> c.get(TlsProbe.TRUNCATIONS))
        .description("Packets whose handshake bytes were not all copied (per-flow budget or per-packet limits).")
        .register(registry);
    FunctionCounter.builder("k8spacket.agent.tls.kernel.gaps", counters, c -> c.get(TlsProbe.GAPS))
        .description("Segments of a followed handshake that began past the next expected record (loss, reorder).")
        .register(registry);
  }

  /** Exports how full the TLS ring buffer is. */
  public void bindTlsRing(EventSource source) {
    Gauge.builder("k8spacket.agent.tls.ring.buffer.used.bytes", source, EventSource::pendingBytes)
        .strongReference(true).description("Bytes in the TLS ring buffer not yet read.").register(registry);
    Gauge.builder("k8spacket.agent.tls.ring.buffer.capacity.bytes", source, EventSource::capacityBytes)
        .strongReference(true).description("Size of the TLS ring buffer.").register(registry);
  }

  /** Exports how many interfaces the TLS programs are attached to. */
  public void bindTlsInterfaces(InterfaceFollower follower) {
    Gauge.builder("k8spacket.agent.tls.interfaces.attached", follower, InterfaceFollower::attachedCount)
        .strongReference(true).description("Interfaces the TLS capture programs are attached to now.")
        .register(registry);
  }

  /** Exports the TLS assembler's counters (read from its stats snapshot at scrape time). */
  public void bindTlsAssembler(Supplier<TlsAssemblerStats> stats) {
    assemblerCounter(stats, "segment.bytes", "Handshake bytes the assembler took in.",
        TlsAssemblerStats::segmentBytes);
    assemblerCounter(stats, "duplicate.bytes", "Handshake bytes that arrived again (retransmits, two interfaces).",
        TlsAssemblerStats::duplicateBytes);
    assemblerCounter(stats, "dropped.bytes", "Handshake bytes not kept: beyond a direction's bound or no memory.",
        TlsAssemblerStats::droppedBytes);
    assemblerCounter(stats, "handshakes.timed.out", "Handshakes emitted incomplete after the handshake timeout.",
        TlsAssemblerStats::handshakesTimedOut);
    assemblerCounter(stats, "flows.evicted", "Connections dropped unfinished to stay within the memory bounds.",
        TlsAssemblerStats::flowsEvicted);
    assemblerCounter(stats, "flows.abandoned", "Connections that timed out without a parseable hello.",
        TlsAssemblerStats::flowsAbandoned);
    assemblerCounter(stats, "parse.errors", "Handshake messages that did not parse, all kinds.",
        TlsAssemblerStats::parseErrorsTotal);
    assemblerCounter(stats, "emit.failures", "Handshake events the sink threw on.",
        TlsAssemblerStats::emitFailures);
    assemblerCounter(stats, "fetches.succeeded", "Active certificate fetches that returned a chain.",
        TlsAssemblerStats::fetchesSucceeded);
    assemblerCounter(stats, "fetches.failed", "Active certificate fetches that failed.",
        TlsAssemblerStats::fetchesFailed);
    Gauge.builder("k8spacket.agent.tls.assembler.flows", stats, s -> s.get().flows()).strongReference(true)
        .description("Connections the TLS assembler tracks now.").register(registry);
    Gauge.builder("k8spacket.agent.tls.assembler.bytes.held", stats, s -> s.get().bytesHeld()).strongReference(true)
        .description("Handshake bytes the TLS assembler holds now.").register(registry);
  }

  private void assemblerCounter(Supplier<TlsAssemblerStats> stats, String name, String help,
      ToLongFunction<TlsAssemblerStats> value) {
    FunctionCounter.builder("k8spacket.agent.tls.assembler." + name, stats, s -> value.applyAsLong(s.get()))
        .description(help).register(registry);
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
        .strongReference(true).description("Encoded bytes of events taken and not yet acknowledged by Kafka.").register(registry);
  }

  /** One TCP record read; called by the TCP reader thread only. */
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

  public void progressReported() {
    progressReports.increment();
  }

  /** One TLS chunk read; called by the TLS reader thread only. */
  public void tlsChunkRead() {
    tlsChunksRead.increment();
  }

  public void tlsHandshake() {
    tlsHandshakes.increment();
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
