package io.k8spacket.streams.topology;

import io.k8spacket.avro.TcpConnectionEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a TCP event is its close time (ns → ms), the report time for a progress report: windows count a
 * connection when it ended and its bytes when they were reported.
 */
public final class CloseTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof TcpConnectionEvent event) {
      return Math.floorDiv(event.getCloseTimeNs(), 1_000_000L);
    }
    return record.timestamp();
  }
}
