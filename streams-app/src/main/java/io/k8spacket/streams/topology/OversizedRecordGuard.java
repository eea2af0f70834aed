package io.k8spacket.streams.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Keeps records too large to process out of the topology (interceptor of Kafka Streams' main consumer): a record
 * whose key and value exceed {@link DeadLetters#MAX_BYTES} reaches the source with an empty value, which does not
 * decode, so {@link LogAndCountDeserializationHandler} dead-letters it with reason {@code too_large}. Its value
 * (cut like a dead letter's) and the original lengths travel in {@link #VALUE_HEADER} and the length headers.
 *
 * <p>Why: a record that decodes but is that large makes outputs larger than the 1 MiB message limit of the
 * internal and output topics; the transactional producer then fails, the task retries the same record, and the
 * stream thread dies again and again (measured: a 1.5 MB TLS handshake event stopped the app). Records our
 * agents write are far smaller (the TCP event is 96 bytes; a TLS event carries at most 64 KiB of handshake).
 */
public final class OversizedRecordGuard implements ConsumerInterceptor<byte[], byte[]> {
  /** Header carrying the (cut) value of a record held back for its size. */
  public static final String VALUE_HEADER = "k8spacket.oversized.value";

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    boolean any = false;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      any |= oversized(r);
    }
    if (!any) {
      return records;
    }
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        list.add(oversized(r) ? heldBack(r) : r);
      }
      out.put(tp, list);
    }
    return new ConsumerRecords<>(out, records.nextOffsets());
  }

  /** True when key and value together exceed the bound. */
  static boolean oversized(ConsumerRecord<byte[], byte[]> r) {
    return (long) Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()) > DeadLetters.MAX_BYTES;
  }

  /** The record with an empty value; its cut key and value and the original lengths in headers. */
  private static ConsumerRecord<byte[], byte[]> heldBack(ConsumerRecord<byte[], byte[]> r) {
    byte[] key = r.key();
    byte[] value = r.value() == null ? new byte[0] : r.value();
    byte[] keptKey = key == null || key.length <= DeadLetters.MAX_KEY_BYTES ? key
        : Arrays.copyOf(key, DeadLetters.MAX_KEY_BYTES);
    int keyBytes = keptKey == null ? 0 : keptKey.length;
    Headers headers = new RecordHeaders();
    headers.add(VALUE_HEADER, Arrays.copyOf(value, Math.min(value.length, DeadLetters.MAX_BYTES - keyBytes)));
    headers.add(DeadLetters.KEY_BYTES_HEADER, text(key == null ? -1 : key.length));
    headers.add(DeadLetters.VALUE_BYTES_HEADER, text(r.value() == null ? -1 : value.length));
    return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
        keyBytes, 0, keptKey, new byte[0], headers, r.leaderEpoch());
  }

  private static byte[] text(long n) {
    return Long.toString(n).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
