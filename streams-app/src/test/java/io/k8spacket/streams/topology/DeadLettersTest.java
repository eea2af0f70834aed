package io.k8spacket.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.streams.StreamsAppConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** Reasons, dead letters and the guard for records too large to process, without a broker. */
class DeadLettersTest {
  private static final AvroSerde<TcpConnectionEvent> TCP = AvroSerde.of(TcpConnectionEvent.class);
  private static final byte[] KEY = "10.0.0.1".getBytes(StandardCharsets.UTF_8);

  @Test
  void the_reason_names_what_failed_to_decode() {
    byte[] tls = AvroSerde.of(TlsHandshakeEvent.class).encode(TlsFixtures.handshake("10.0.0.1", 1, "10.0.0.2", 443,
        "a", TlsFixtures.TLS13, 0x1302, 1_000, List.of()));
    byte[] tcp = TCP.encode(Fixtures.event(Observer.CLIENT, "10.0.0.1", 1, "10.0.0.2", 2, 1, 2,
        3, 4));

    assertThat(reasonOf("{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(DeadLetters.Reason.BAD_HEADER);
    assertThat(reasonOf(tls)).isEqualTo(DeadLetters.Reason.UNKNOWN_SCHEMA);
    assertThat(reasonOf(Arrays.copyOf(tcp, tcp.length / 2))).isEqualTo(DeadLetters.Reason.MALFORMED);
    assertThat(DeadLetters.Reason.UNKNOWN_SCHEMA.label()).isEqualTo("unknown_schema");
  }

  @Test
  void a_dead_letter_has_the_original_bytes_and_says_where_it_came_from_and_why() {
    byte[] value = {1, 2, 3};
    ProducerRecord<byte[], byte[]> letter = DeadLetters.of("dlq", new Context("k8spacket.tcp.v1", 2, 41, KEY, value,
        new RecordHeaders()), DeadLetters.Reason.BAD_HEADER, new IllegalStateException("bad\nthing"));

    assertThat(letter.topic()).isEqualTo("dlq");
    assertThat(letter.key()).isEqualTo(KEY);
    assertThat(letter.value()).isEqualTo(value);
    assertThat(letter.timestamp()).isEqualTo(1_234L);
    assertThat(header(letter.headers(), DeadLetters.TOPIC_HEADER)).isEqualTo("k8spacket.tcp.v1");
    assertThat(header(letter.headers(), DeadLetters.PARTITION_HEADER)).isEqualTo("2");
    assertThat(header(letter.headers(), DeadLetters.OFFSET_HEADER)).isEqualTo("41");
    assertThat(header(letter.headers(), DeadLetters.EXCEPTION_HEADER)).isEqualTo("java.lang.IllegalStateException");
    assertThat(header(letter.headers(), DeadLetters.MESSAGE_HEADER)).isEqualTo("bad thing");
    assertThat(header(letter.headers(), DeadLetters.REASON_HEADER)).isEqualTo("bad_header");
    assertThat(header(letter.headers(), DeadLetters.KEY_BYTES_HEADER)).isEqualTo("8");
    assertThat(header(letter.headers(), DeadLetters.VALUE_BYTES_HEADER)).isEqualTo("3");
  }

  @Test
  void a_record_too_large_to_process_is_held_back_and_its_dead_letter_cut_to_fit() {
    byte[] value = new byte[3 << 20];
    value[0] = (byte) 0xC3;
    value[DeadLetters.MAX_BYTES] = 7;
    ConsumerRecord<byte[], byte[]> big = new ConsumerRecord<>("k8spacket.tls.v1", 0, 9, 1_234L,
        TimestampType.CREATE_TIME, KEY.length, value.length, KEY, value, new RecordHeaders(), Optional.empty());
    ConsumerRecord<byte[], byte[]> small = new ConsumerRecord<>("k8spacket.tls.v1", 0, 10, KEY, new byte[] {1});
    TopicPartition tp = new TopicPartition("k8spacket.tls.v1", 0);

    ConsumerRecords<byte[], byte[]> out = new OversizedRecordGuard().onConsume(
        new ConsumerRecords<>(Map.of(tp, List.of(big, small)), Map.of()));

    List<ConsumerRecord<byte[], byte[]>> records = out.records(tp);
    assertThat(records.get(1)).isSameAs(small);
    ConsumerRecord<byte[], byte[]> held = records.get(0);
    assertThat(held.offset()).isEqualTo(9);
    assertThat(held.value()).isEmpty();
    Context context = new Context(held.topic(), 0, 9, held.key(), held.value(), held.headers());
    Exception failure = failureOf(held.value());
    assertThat(DeadLetters.reason(context, failure)).isEqualTo(DeadLetters.Reason.TOO_LARGE);
    ProducerRecord<byte[], byte[]> letter = DeadLetters.of("dlq", context, DeadLetters.Reason.TOO_LARGE, failure);
    assertThat(letter.key()).isEqualTo(KEY);
    assertThat(letter.value()).isEqualTo(Arrays.copyOf(value, DeadLetters.MAX_BYTES - KEY.length));
    assertThat(header(letter.headers(), DeadLetters.REASON_HEADER)).isEqualTo("too_large");
    assertThat(header(letter.headers(), DeadLetters.VALUE_BYTES_HEADER)).isEqualTo(String.valueOf(3 << 20));
    assertThat(header(letter.headers(), DeadLetters.KEY_BYTES_HEADER)).isEqualTo("8");
  }

  @Test
  void the_streams_properties_name_the_dead_letter_topic_and_the_guard_unless_turned_off() {
    assertThat(StreamsAppConfig.defaults().streamsProperties())
        .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "k8spacket.dead-letters.v1")
        .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
            OversizedRecordGuard.class.getName());
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_DEAD_LETTER_TOPIC", "none")).streamsProperties())
        .doesNotContainKey(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
  }

  private static DeadLetters.Reason reasonOf(byte[] value) {
    return DeadLetters.Reason.of(failureOf(value));
  }

  private static Exception failureOf(byte[] value) {
    try {
      TCP.decode(value);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("decoded");
  }

  private static String header(Headers headers, String name) {
    return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  /** The context Kafka Streams gives a handler, for one record. */
  private record Context(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue,
      Headers headers) implements ErrorHandlerContext {
    @Override
    public String processorNodeId() {
      return "source";
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, partition);
    }

    @Override
    public long timestamp() {
      return 1_234L;
    }
  }
}
