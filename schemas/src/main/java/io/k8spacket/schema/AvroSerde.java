package io.k8spacket.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro class in single-object encoding (marker {@code C3 01}, 8-byte schema
 * fingerprint, binary body), so any consumer can decode records with the {@code .avsc} files alone.
 *
 * <p>Null stays null in both directions (tombstones). Bytes that are not a record of this schema raise a
 * {@link SerializationException} whose message says which type was expected and why it failed. Values written
 * with earlier versions of the schema are read when those versions are registered ({@link #of(Class, Schema...)}):
 * the fingerprint picks the writer's schema, resolved to the current class.
 *
 * <p>Why not Avro's {@code BinaryMessageDecoder}: it reads the body through an unbuffered stream decoder, and
 * its encoder copies every record twice. This reads the body from the array with a buffered decoder reused per
 * thread, and writes into a per-thread buffer copied once: about twice as fast on the edge store's values, which
 * a graph query decodes by the hundred thousand. The format is the same, byte for byte.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = 0x01;
  private static final int HEADER = 10;
  private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();
  private static final ThreadLocal<Output> OUTPUT = ThreadLocal.withInitial(Output::new);

  private final Class<T> type;
  private final long fingerprint;
  private final byte[] header;
  private final DatumWriter<T> writer;
  private final Map<Long, DatumReader<T>> readers = new HashMap<>();

  /** A reusable output buffer and the encoder writing into it. */
  private static final class Output {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    BinaryEncoder encoder;
  }

  @SuppressWarnings("unchecked")
  private AvroSerde(Class<T> type, Schema... earlier) {
    AvroTrust.install();
    this.type = Objects.requireNonNull(type, "type");
    SpecificData data = SpecificData.get();
    Schema schema = data.getSchema(type);
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.header = new byte[HEADER];
    header[0] = MARKER_0;
    header[1] = MARKER_1;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i)); // little-endian, as the single-object spec says
    }
    this.writer = (DatumWriter<T>) data.createDatumWriter(schema);
    readers.put(fingerprint, (DatumReader<T>) data.createDatumReader(schema));
    for (Schema old : earlier) {
      readers.put(SchemaNormalization.parsingFingerprint64(old), (DatumReader<T>) data.createDatumReader(old, schema));
    }
  }

  /** The serde for one generated class, e.g. {@code AvroSerde.of(TcpConnectionEvent.class)}. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  /** The serde for one generated class that also reads values written with the {@code earlier} schemas. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, Schema... earlier) {
    return new AvroSerde<>(type, earlier);
  }

  /** Encodes one record; null gives null. */
  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    Output out = OUTPUT.get();
    out.bytes.reset();
    try {
      out.bytes.write(header);
      out.encoder = EncoderFactory.get().binaryEncoder(out.bytes, out.encoder);
      writer.write(value, out.encoder);
      out.encoder.flush();
      return out.bytes.toByteArray();
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Decodes one record; null gives null; anything else that is not a record of this type throws. */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < HEADER || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
      throw refused(bytes, new BadHeaderException("no single-object marker C3 01"));
    }
    long writerFingerprint = 0;
    for (int i = 7; i >= 0; i--) {
      writerFingerprint = (writerFingerprint << 8) | (bytes[2 + i] & 0xFF);
    }
    DatumReader<T> reader = readers.get(writerFingerprint);
    if (reader == null) {
      throw refused(bytes, new MissingSchemaException("unknown schema fingerprint "
          + Long.toHexString(writerFingerprint)));
    }
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER,
          DECODER.get());
      DECODER.set(decoder);
      return reader.read(null, decoder);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw refused(bytes, e);
    }
  }

  /** The error for bytes that are no record of this type; the cause is Avro's kind of failure (dead letters). */
  private SerializationException refused(byte[] bytes, Exception cause) {
    String name = type.getSimpleName();
    return new SerializationException("not " + ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name
        + " in Avro single-object encoding (" + bytes.length + " bytes): " + cause.getMessage(), cause);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(bytes);
  }
}
