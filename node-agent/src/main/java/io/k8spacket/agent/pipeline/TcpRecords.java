package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.MalformedEventException;
import io.k8spacket.agent.event.TcpEventDecoder;
import io.k8spacket.agent.metrics.AgentMetrics;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** TCP ring records: decode each {@code k8sp_tcp_event} and hand the connection to the sink. */
public final class TcpRecords implements RecordProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(TcpRecords.class);

  private final TcpEventDecoder decoder;
  private final EventSink sink;
  private final AgentMetrics metrics;
  private final RateLimitedWarning warning = new RateLimitedWarning(LOG);

  public TcpRecords(BootClock clock, EventSink sink, AgentMetrics metrics) {
    this.decoder = new TcpEventDecoder(clock);
    this.sink = sink;
    this.metrics = metrics;
  }

  @Override
  public void onRecord(ByteBuffer buffer, int offset, int length) {
    metrics.eventRead();
    try {
      sink.send(decoder.decode(buffer, offset, length));
    } catch (MalformedEventException e) {
      metrics.decodeError();
      warning.warn("skipping a TCP event that does not decode (counted in k8spacket_agent_decode_errors_total;"
          + " agent and BPF object from different builds?): {}", e.getMessage());
    }
  }
}
