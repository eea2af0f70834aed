package io.k8spacket.streams.topology;

import io.k8spacket.avro.TcpConnectionEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time of a TCP event is its close time (ns → ms), so windows count connections when they ended. */
public final class CloseTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof TcpConnectionEvent event) {
      return Math.floorDiv(event.getCloseTimeNs(), 1_000_000L);
    }
    return record.timestamp();
  }
}
