package io.k8spacket.streams.topology;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes that write the current schema of a generated Avro class, as {@link AvroSerde} does, and also read values
 * written with earlier versions of it: single-object encoding names the writer's schema by fingerprint, so every
 * earlier version must be registered to be resolved. The earlier versions are derived from the current schema:
 * {@link #beforeOpen} undoes the {@code OPEN} symbol that {@code CloseKind} gained with progress reports, which
 * changed the fingerprint of every type holding a close kind (TCP events, connections, count-once entries); so
 * an upgraded app still reads the TCP events of agents not upgraded yet, the repartition records in flight and
 * its count-once store.
 */
final class CompatibleSerde {
  private CompatibleSerde() {}

  /** TCP events: the current schema, and the one of agents before progress reports. */
  static Serde<TcpConnectionEvent> tcpEvents() {
    return of(TcpConnectionEvent.class, beforeOpen(TcpConnectionEvent.getClassSchema()));
  }

  /** Connections (repartition topics): the current schema, and the one before progress reports. */
  static Serde<Connection> connections() {
    return of(Connection.class, beforeOpen(Connection.getClassSchema()));
  }

  /** Writes {@code type}'s schema; reads it and the {@code earlier} ones. */
  static <T extends SpecificRecord> Serde<T> of(Class<T> type, Schema... earlier) {
    return of(type, UnaryOperator.identity(), earlier);
  }

  /** As {@link #of(Class, Schema...)}, then passes each value read through {@code upgrade}. */
  static <T extends SpecificRecord> Serde<T> of(Class<T> type, UnaryOperator<T> upgrade, Schema... earlier) {
    AvroSerde<T> serde = AvroSerde.of(type, earlier);
    return Serdes.serdeFrom(serde.serializer(), (topic, bytes) -> bytes == null ? null
        : upgrade.apply(serde.decode(bytes)));
  }

  /** {@code schema} as it was before {@code CloseKind} had {@code OPEN}: every other name, field and symbol kept. */
  static Schema beforeOpen(Schema schema) {
    return copy(schema, new HashMap<>());
  }

  /** {@code schema} without the named top-level fields: the version before they were appended. */
  static Schema without(Schema schema, String... names) {
    Set<String> dropped = Set.of(names);
    List<Schema.Field> kept = schema.getFields().stream().filter(f -> !dropped.contains(f.name()))
        .map(f -> new Schema.Field(f, f.schema())).toList();
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
  }

  /** A copy of {@code s} with {@code CloseKind} replaced; each named type copied once ({@code copies}). */
  private static Schema copy(Schema s, Map<String, Schema> copies) {
    return switch (s.getType()) {
      case RECORD -> {
        Schema known = copies.get(s.getFullName());
        if (known != null) {
          yield known;
        }
        Schema record = Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), s.isError());
        copies.put(s.getFullName(), record);
        record.setFields(s.getFields().stream().map(f -> new Schema.Field(f, copy(f.schema(), copies))).toList());
        yield record;
      }
      case ENUM -> s.getName().equals("CloseKind") && s.getEnumSymbols().contains("OPEN")
          ? copies.computeIfAbsent(s.getFullName(), n -> Schema.createEnum(s.getName(), s.getDoc(),
              s.getNamespace(), s.getEnumSymbols().stream().filter(x -> !x.equals("OPEN")).toList()))
          : s;
      case UNION -> Schema.createUnion(s.getTypes().stream().map(t -> copy(t, copies)).toList());
      case ARRAY -> Schema.createArray(copy(s.getElementType(), copies));
      case MAP -> Schema.createMap(copy(s.getValueType(), copies));
      default -> s;
    };
  }
}
