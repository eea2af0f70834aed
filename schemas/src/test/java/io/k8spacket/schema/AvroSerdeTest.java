package io.k8spacket.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private final AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);

  @Test
  void event_round_trips_with_every_field() {
    TcpConnectionEvent event = sample();
    assertThat(serde.decode(serde.encode(event))).isEqualTo(event);
  }

  @Test
  void encoding_is_single_object_with_marker_and_fingerprint_from_the_avsc_alone() throws Exception {
    byte[] bytes = serde.encode(sample());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    // the fingerprint a consumer computes from the shipped .avsc files, without our classes
    Schema.Parser parser = new Schema.Parser();
    for (String common : new String[] {"AddressFamily", "Observer", "CloseKind", "EndpointKind", "Endpoint"}) {
      try (InputStream in = getClass().getResourceAsStream("/avro/common/" + common + ".avsc")) {
        parser.parse(in);
      }
    }
    Schema schema;
    try (InputStream in = getClass().getResourceAsStream("/avro/topics/TcpConnectionEvent.avsc")) {
      schema = parser.parse(in);
    }
    long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    byte[] expected = new byte[8];
    for (int i = 0; i < 8; i++) {
      expected[i] = (byte) (fingerprint >>> (8 * i)); // little-endian, as the spec says
    }
    assertThat(Arrays.copyOfRange(bytes, 2, 10)).isEqualTo(expected);
  }

  @Test
  void null_is_a_tombstone_both_ways() {
    assertThat(serde.encode(null)).isNull();
    assertThat(serde.decode(null)).isNull();
  }

  @Test
  void garbage_is_refused_with_the_expected_type_named() {
    assertThatThrownBy(() -> serde.decode(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("not a TcpConnectionEvent in Avro single-object encoding (3 bytes)")
        .hasCauseInstanceOf(BadHeaderException.class);
  }

  @Test
  void bytes_are_those_of_avros_own_single_object_encoder_both_ways() throws Exception {
    BinaryMessageEncoder<TcpConnectionEvent> avro = new BinaryMessageEncoder<>(SpecificData.get(),
        TcpConnectionEvent.getClassSchema());
    ByteBuffer buffer = avro.encode(sample());
    byte[] avroBytes = new byte[buffer.remaining()];
    buffer.get(avroBytes);

    assertThat(serde.encode(sample())).isEqualTo(avroBytes);
    assertThat(serde.decode(avroBytes)).isEqualTo(sample());
  }

  @Test
  void a_value_of_a_registered_earlier_schema_is_resolved_to_the_current_class_and_others_are_refused() {
    // edge stats as written before serverPorts existed: read with its default, []
    Schema earlier = withoutFields(EdgeStats.getClassSchema(), "serverPorts");
    Endpoint web = new Endpoint("10.0.0.1", "web-1", "shop", "web", "Deployment", EndpointKind.POD, "node-1");
    Endpoint db = new Endpoint("10.0.0.2", "db-0", "shop", "db", "StatefulSet", EndpointKind.POD, "node-1");
    GenericRecord old = new GenericData.Record(earlier);
    old.put("client", web);
    old.put("server", db);
    for (String counter : new String[] {"connCount", "connPersistent", "bytesClientToServer", "bytesServerToClient",
        "durationMsSum", "maxDurationMs", "lastSeenMs"}) {
      old.put(counter, 7L);
    }
    byte[] oldBytes = encodeGeneric(earlier, old);

    assertThat(AvroSerde.of(EdgeStats.class, earlier).decode(oldBytes))
        .isEqualTo(new EdgeStats(web, db, 7L, 7L, 7L, 7L, 7L, 7L, 7L, null, List.of()));
    assertThatThrownBy(() -> AvroSerde.of(EdgeStats.class).decode(oldBytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("not an EdgeStats in Avro single-object encoding (" + oldBytes.length
            + " bytes): unknown schema fingerprint ").hasCauseInstanceOf(MissingSchemaException.class);
  }

  @Test
  void a_truncated_body_is_refused() {
    byte[] bytes = serde.encode(sample());
    assertThatThrownBy(() -> serde.decode(Arrays.copyOf(bytes, 14))).isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("not a TcpConnectionEvent in Avro single-object encoding (14 bytes)");
  }

  private static Schema withoutFields(Schema schema, String... names) {
    java.util.Set<String> dropped = java.util.Set.of(names);
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false,
        schema.getFields().stream().filter(f -> !dropped.contains(f.name()))
            .map(f -> new Schema.Field(f, f.schema())).toList());
  }

  private static byte[] encodeGeneric(Schema schema, GenericRecord value) {
    try {
      ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static TcpConnectionEvent sample() {
    return TcpConnectionEvent.newBuilder()
        .setFamily(AddressFamily.IPV6).setClientIp("fd00::1").setClientPort(40000)
        .setServerIp("fd00::2").setServerPort(8080).setObserver(Observer.CLIENT).setNode("node-a")
        .setNetnsCookie(4096).setNetnsInode(4026531840L).setBytesClientToServer(123457)
        .setBytesServerToClient(765433).setSegmentsClientToServer(12).setSegmentsServerToClient(40)
        .setRetransmits(1).setSrttMicros(57).setOpenTimeNs(1_700_000_000_000_000_000L)
        .setCloseTimeNs(1_700_000_001_500_000_000L).setCloseKind(CloseKind.NORMAL).build();
  }
}
