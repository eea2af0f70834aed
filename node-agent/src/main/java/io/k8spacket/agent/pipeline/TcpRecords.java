package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.MalformedEventException;
import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpEventDecoder;
import io.k8spacket.agent.metrics.AgentMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP ring records: decode each {@code k8sp_tcp_event}, turn totals into what the topic carries (deltas for
 * progress reports, the remainder for a close: {@link ProgressLedger}) and hand it to the sink. After a drain,
 * starts the next report generation when the report interval has passed.
 */
public final class TcpRecords implements RecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(TcpRecords.class);
  /** Reporting sockets remembered at most (about 100 bytes each). */
  public static final int MAX_REPORTING_SOCKETS = 262_144;

  private final TcpEventDecoder decoder;
  private final EventSink sink;
  private final AgentMetrics metrics;
  private final ProgressLedger ledger = new ProgressLedger(MAX_REPORTING_SOCKETS);
  private final Runnable requestReports;
  private final long reportIntervalNanos;
  private long lastRequestNanos = System.nanoTime();
  private final RateLimitedWarning warning = new RateLimitedWarning(LOG);

  /** Records without progress reports (every event is a close). */
  public TcpRecords(BootClock clock, EventSink sink, AgentMetrics metrics) {
    this(clock, sink, metrics, () -> { }, Duration.ZERO);
  }

  /**
   * Records with progress reports: {@code requestReports} starts a report generation in the kernel, every
   * {@code reportInterval} (zero: never).
   */
  public TcpRecords(BootClock clock, EventSink sink, AgentMetrics metrics, Runnable requestReports,
      Duration reportInterval) {
    this.decoder = new TcpEventDecoder(clock);
    this.sink = sink;
    this.metrics = metrics;
    this.requestReports = requestReports;
    this.reportIntervalNanos = reportInterval.toNanos();
    metrics.bindProgress(ledger);
  }

  @Override
  public void onRecord(ByteBuffer buffer, int offset, int length) {
    metrics.eventRead();
    TcpConnection decoded;
    try {
      decoded = decoder.decode(buffer, offset, length);
    } catch (MalformedEventException e) {
      metrics.decodeError();
      warning.warn("skipping a TCP event that does not decode (counted in k8spacket_agent_decode_errors_total;"
          + " agent and BPF object from different builds?): {}", e.getMessage());
      return;
    }
    TcpConnection published = ledger.account(decoded);
    if (published != null) {
      if (published.closeKind() == CloseKind.OPEN) {
        metrics.progressReported();
      }
      sink.send(published);
    }
  }

  @Override
  public void afterDrain() {
    if (reportIntervalNanos <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastRequestNanos >= reportIntervalNanos) {
      lastRequestNanos = now;
      requestReports.run();
    }
  }
}
