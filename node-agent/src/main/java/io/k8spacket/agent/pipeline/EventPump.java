package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.MalformedEventException;
import io.k8spacket.agent.event.TcpEventDecoder;
import io.k8spacket.agent.metrics.AgentMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader thread: every poll interval it drains the source in bounded batches, decodes each record and hands
 * it to the sink. Timer-driven because the probe submits without wake-ups (cheaper for the kernel and for us).
 * A record that does not decode is counted and skipped; nothing a record holds can stop the thread.
 */
public final class EventPump implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
  private static final long CLOCK_REFRESH_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  private final EventSource source;
  private final TcpEventDecoder decoder;
  private final BootClock clock;
  private final EventSink sink;
  private final AgentMetrics metrics;
  private final long intervalNanos;
  private final int batch;
  private final Thread thread;
  private final EventSource.RecordHandler handler = this::onRecord;
  private volatile boolean running = true;
  private volatile long lastDrainNanos = System.nanoTime();
  private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;

  public EventPump(EventSource source, BootClock clock, EventSink sink, AgentMetrics metrics, Duration interval,
      int batch) {
    this.source = source;
    this.decoder = new TcpEventDecoder(clock);
    this.clock = clock;
    this.sink = sink;
    this.metrics = metrics;
    this.intervalNanos = interval.toNanos();
    this.batch = batch;
    this.thread = new Thread(this::run, "k8spacket-ring-reader");
    this.thread.setDaemon(true);
  }

  /** Starts the reader thread. */
  public EventPump start() {
    thread.start();
    return this;
  }

  private void run() {
    long clockRefreshed = System.nanoTime();
    try {
      while (running) {
        int read = source.drain(handler, batch);
        long now = System.nanoTime();
        lastDrainNanos = now;
        if (now - clockRefreshed > CLOCK_REFRESH_NANOS) {
          clock.refresh();
          clockRefreshed = now;
        }
        if (read < batch) {
          LockSupport.parkNanos(this, intervalNanos);
        }
      }
      while (source.drain(handler, batch) > 0) {
        // hand over what closed before the stop
      }
    } catch (RuntimeException | Error e) {
      LOG.error("ring reader stopped by an unexpected error; /healthz now fails", e);
    }
  }

  private void onRecord(ByteBuffer buffer, int offset, int length) {
    metrics.eventRead();
    try {
      sink.send(decoder.decode(buffer, offset, length));
    } catch (MalformedEventException e) {
      metrics.decodeError();
      long now = System.nanoTime();
      if (now - lastWarnNanos >= WARN_EVERY_NANOS) {
        lastWarnNanos = now;
        LOG.warn("skipping a TCP event that does not decode (counted in k8spacket_agent_decode_errors_total;"
            + " agent and BPF object from different builds?): {}", e.getMessage());
      }
    }
  }

  /** True while the thread runs and has drained within the last second (or 20 intervals, if longer). */
  public boolean healthy() {
    long staleAfter = Math.max(Duration.ofSeconds(1).toNanos(), 20 * intervalNanos);
    return running && thread.isAlive() && System.nanoTime() - lastDrainNanos < staleAfter;
  }

  /** Stops the thread after one last drain; idempotent. Does not close the source or the sink. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
