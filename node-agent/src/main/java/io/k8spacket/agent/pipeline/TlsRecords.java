package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.MalformedEventException;
import io.k8spacket.agent.event.TlsChunk;
import io.k8spacket.agent.event.TlsChunkDecoder;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.tls.TlsAssembler;
import io.k8spacket.agent.tls.TlsSegment;
import io.k8spacket.avro.TlsHandshakeEvent;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS ring records: decode each {@code k8sp_tls_chunk}, hand it to the {@link TlsAssembler} as a
 * {@link TlsSegment}, and once per poll let the assembler time out handshakes. The assembler's events go to
 * the sink ({@code k8spacket.tls.v1}). Everything runs on the TLS reader thread, as the assembler requires.
 */
public final class TlsRecords implements RecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(TlsRecords.class);

  private final TlsChunkDecoder decoder;
  private final TlsAssembler assembler;
  private final AgentMetrics metrics;
  private final LongSupplier wallClockNanos;
  private final RateLimitedWarning warning = new RateLimitedWarning(LOG);

  /**
   * Records for {@code assembler}, which must have been built with {@link #toSink} as its consumer;
   * {@code wallClockNanos} gives "now" for timeouts, in the same clock as the chunks' capture times.
   */
  public TlsRecords(BootClock clock, TlsAssembler assembler, AgentMetrics metrics, LongSupplier wallClockNanos) {
    this.decoder = new TlsChunkDecoder(clock);
    this.assembler = assembler;
    this.metrics = metrics;
    this.wallClockNanos = wallClockNanos;
  }

  /** The assembler's consumer: counts each event and sends it. */
  public static Consumer<TlsHandshakeEvent> toSink(EventSink sink, AgentMetrics metrics) {
    return event -> {
      metrics.tlsHandshake();
      sink.send(event);
    };
  }

  /** The segment the assembler takes for a decoded chunk (the payload array is handed over, not copied). */
  public static TlsSegment segment(TlsChunk chunk) {
    return new TlsSegment(chunk.capturedEpochNs(), chunk.src(), chunk.srcPort(), chunk.dst(), chunk.dstPort(),
        chunk.seq(), chunk.payload());
  }

  @Override
  public void onRecord(ByteBuffer buffer, int offset, int length) {
    metrics.tlsChunkRead();
    TlsChunk chunk;
    try {
      chunk = decoder.decode(buffer, offset, length);
    } catch (MalformedEventException e) {
      metrics.decodeError();
      warning.warn("skipping a TLS chunk that does not decode (counted in k8spacket_agent_decode_errors_total;"
          + " agent and BPF object from different builds?): {}", e.getMessage());
      return;
    }
    assembler.accept(segment(chunk));
  }

  @Override
  public void afterDrain() {
    assembler.expire(wallClockNanos.getAsLong());
  }
}
