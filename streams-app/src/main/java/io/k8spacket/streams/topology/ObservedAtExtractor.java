package io.k8spacket.streams.topology;

import io.k8spacket.avro.TlsHandshakeEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time of a TLS event is when its first handshake byte was seen (ns → ms), not when it was produced. */
public final class ObservedAtExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof TlsHandshakeEvent event) {
      return Math.floorDiv(event.getObservedAtNs(), 1_000_000L);
    }
    return record.timestamp();
  }
}
