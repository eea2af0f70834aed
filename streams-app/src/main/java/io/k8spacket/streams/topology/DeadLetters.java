package io.k8spacket.streams.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * The dead letter of an input record that could not be decoded: same key and value bytes as the original, sent to
 * the dead-letter topic (Kafka Streams' {@code errors.dead.letter.queue.topic.name}, inside the task's
 * transaction), with headers saying where it came from and why it failed, so it can be inspected and replayed.
 *
 * <p>Headers: Kafka Streams' own {@code __streams.errors.topic}, {@code .partition}, {@code .offset},
 * {@code .exception}, {@code .message} (as its built-in dead letters carry, without the stack trace), and ours:
 * {@code k8spacket.reason} ({@link Reason}), {@code k8spacket.key.bytes} and {@code k8spacket.value.bytes} (the
 * original lengths). A record longer than {@link #MAX_BYTES} never reaches a deserializer
 * ({@link OversizedRecordGuard}) and is cut to fit the default 1 MiB message limit of the dead-letter topic (the
 * key to {@link #MAX_KEY_BYTES}, then the value to what is left), so that one huge record can never make its own
 * dead letter fail; the length headers tell that it was cut. Example: a 3 MiB value on {@code k8spacket.tls.v1}
 * at partition 1, offset 42 becomes a dead letter with the first 900 000 − key bytes of it,
 * {@code k8spacket.reason = too_large}, {@code k8spacket.value.bytes = 3145728}.
 */
public final class DeadLetters {
  /** Most key + value bytes a dead letter carries. */
  public static final int MAX_BYTES = 900_000;
  /** Most key bytes a dead letter carries. */
  public static final int MAX_KEY_BYTES = 16 * 1024;
  /** Header: the source topic (Kafka Streams' name). */
  public static final String TOPIC_HEADER = "__streams.errors.topic";
  /** Header: the source partition, decimal. */
  public static final String PARTITION_HEADER = "__streams.errors.partition";
  /** Header: the source offset, decimal. */
  public static final String OFFSET_HEADER = "__streams.errors.offset";
  /** Header: the exception's class name. */
  public static final String EXCEPTION_HEADER = "__streams.errors.exception";
  /** Header: the exception's message. */
  public static final String MESSAGE_HEADER = "__streams.errors.message";
  /** Header: {@link Reason#label()}. */
  public static final String REASON_HEADER = "k8spacket.reason";
  /** Header: the original key's length, decimal. */
  public static final String KEY_BYTES_HEADER = "k8spacket.key.bytes";
  /** Header: the original value's length, decimal. */
  public static final String VALUE_BYTES_HEADER = "k8spacket.value.bytes";
  private static final int MAX_MESSAGE_CHARS = 1000;

  /** Why a record could not be decoded; the label goes into the metric and the header. */
  public enum Reason {
    /** Not Avro single-object encoding at all (no {@code C3 01} marker): garbage, JSON, another format. */
    BAD_HEADER,
    /** Single-object encoding of a schema this app does not know (another type, an unknown version). */
    UNKNOWN_SCHEMA,
    /** The right schema, but a body that does not decode (cut short, corrupt). */
    MALFORMED,
    /** Key and value over {@link #MAX_BYTES}: held back unread by {@link OversizedRecordGuard}. */
    TOO_LARGE;

    /** Lower-case name, e.g. {@code unknown_schema}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The reason behind {@code failure} (the serde wraps Avro's exception; its causes are searched). */
    public static Reason of(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof BadHeaderException) {
          return BAD_HEADER;
        }
        if (t instanceof MissingSchemaException) {
          return UNKNOWN_SCHEMA;
        }
      }
      return MALFORMED;
    }
  }

  private DeadLetters() {}

  /** The reason the record of {@code context} failed with {@code failure}. */
  public static Reason reason(ErrorHandlerContext context, Exception failure) {
    return heldBack(context) != null ? Reason.TOO_LARGE : Reason.of(failure);
  }

  /** The dead letter for the record of {@code context} that failed with {@code failure}, to {@code topic}. */
  public static ProducerRecord<byte[], byte[]> of(String topic, ErrorHandlerContext context, Reason reason,
      Exception failure) {
    byte[] key = context.sourceRawKey();
    byte[] heldBack = heldBack(context);
    byte[] value = heldBack != null ? heldBack : context.sourceRawValue();
    byte[] keptKey = key == null || key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
    int keyBytes = keptKey == null ? 0 : keptKey.length;
    byte[] keptValue = value == null || keyBytes + value.length <= MAX_BYTES
        ? value : Arrays.copyOf(value, MAX_BYTES - keyBytes);
    Headers headers = new RecordHeaders();
    header(headers, TOPIC_HEADER, context.topic());
    header(headers, PARTITION_HEADER, String.valueOf(context.partition()));
    header(headers, OFFSET_HEADER, String.valueOf(context.offset()));
    header(headers, EXCEPTION_HEADER, failure.getClass().getName());
    header(headers, MESSAGE_HEADER, message(failure));
    header(headers, REASON_HEADER, reason.label());
    if (heldBack != null) { // the guard's headers have the original lengths
      headers.add(context.headers().lastHeader(KEY_BYTES_HEADER));
      headers.add(context.headers().lastHeader(VALUE_BYTES_HEADER));
    } else {
      header(headers, KEY_BYTES_HEADER, String.valueOf(key == null ? -1 : key.length));
      header(headers, VALUE_BYTES_HEADER, String.valueOf(value == null ? -1 : value.length));
    }
    return new ProducerRecord<>(topic, null, context.timestamp(), keptKey, keptValue, headers);
  }

  /** The value {@link OversizedRecordGuard} held back, or null for a record that came as it was. */
  private static byte[] heldBack(ErrorHandlerContext context) {
    Header header = context.headers() == null ? null
        : context.headers().lastHeader(OversizedRecordGuard.VALUE_HEADER);
    return header == null ? null : header.value();
  }

  /** The failure's message and its causes', on one line, at most 1000 characters. */
  static String message(Throwable failure) {
    StringBuilder sb = new StringBuilder(String.valueOf(failure.getMessage()));
    for (Throwable c = failure.getCause(); c != null && sb.length() < MAX_MESSAGE_CHARS; c = c.getCause()) {
      sb.append(" <- ").append(c);
    }
    String oneLine = sb.toString().replace('\n', ' ');
    return oneLine.length() <= MAX_MESSAGE_CHARS ? oneLine : oneLine.substring(0, MAX_MESSAGE_CHARS);
  }

  private static void header(Headers headers, String name, String value) {
    headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }
}
