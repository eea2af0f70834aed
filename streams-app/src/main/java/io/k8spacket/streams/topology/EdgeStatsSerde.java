package io.k8spacket.streams.topology;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.schema.AvroSerde;
import java.io.IOException;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The value serde of the edge store: writes {@link EdgeStats} as {@link AvroSerde} does, and also reads values
 * written before the {@code service} field existed (their single-object fingerprint is the schema without it),
 * resolved with {@code service = null}. Without this, an upgraded instance could not read the windows its
 * changelog restores, and the aggregator would fail on the first connection of an existing edge.
 */
public final class EdgeStatsSerde {
  /** The schema before {@code service} was appended (its fingerprint is what old values carry). */
  static final Schema BEFORE_SERVICE = without(EdgeStats.getClassSchema(), "service");

  private EdgeStatsSerde() {}

  /** The serde; encodes the current schema, decodes the current and the earlier one. */
  public static Serde<EdgeStats> create() {
    AvroSerde<EdgeStats> current = AvroSerde.of(EdgeStats.class);
    BinaryMessageDecoder<EdgeStats> decoder =
        new BinaryMessageDecoder<>(SpecificData.get(), EdgeStats.getClassSchema());
    decoder.addSchema(BEFORE_SERVICE);
    return Serdes.serdeFrom(current.serializer(), (topic, bytes) -> decode(decoder, bytes));
  }

  /** {@code schema} without the named field: the earlier version, as the field was appended. */
  static Schema without(Schema schema, String name) {
    List<Schema.Field> kept = schema.getFields().stream().filter(f -> !f.name().equals(name))
        .map(f -> new Schema.Field(f, f.schema())).toList();
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
  }

  private static EdgeStats decode(BinaryMessageDecoder<EdgeStats> decoder, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new SerializationException("not an EdgeStats in Avro single-object encoding (" + bytes.length
          + " bytes): " + e.getMessage(), e);
    }
  }
}
