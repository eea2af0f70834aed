package io.k8spacket.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.avro.EdgeStats;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.schema.AvroSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class EdgeStatsSerdeTest {
  /** EdgeStats.avsc as released before the {@code service} field, verbatim. */
  private static final String BEFORE_SERVICE_AVSC = """
      {"type": "record", "name": "EdgeStats", "namespace": "io.k8spacket.avro",
       "doc": "Value of the windowed edge store: all connections from one client endpoint to one server endpoint closed in one window.",
       "fields": [
        {"name": "client", "type": "Endpoint"},
        {"name": "server", "type": "Endpoint"},
        {"name": "connCount", "type": "long"},
        {"name": "connPersistent", "type": "long", "doc": "connections that lasted longer than the persistent threshold"},
        {"name": "bytesClientToServer", "type": "long"},
        {"name": "bytesServerToClient", "type": "long"},
        {"name": "durationMsSum", "type": "long"},
        {"name": "maxDurationMs", "type": "long"},
        {"name": "lastSeenMs", "type": "long", "doc": "latest close time in the window, ms since the epoch"}
       ]}""";

  /** EdgeStats.avsc as released before the {@code serverPorts} field, verbatim. */
  private static final String BEFORE_PORTS_AVSC = """
      {"type": "record", "name": "EdgeStats", "namespace": "io.k8spacket.avro",
       "doc": "Value of the windowed edge store: all connections from one client endpoint to one server endpoint (through one Service, or none) closed in one window.",
       "fields": [
        {"name": "client", "type": "Endpoint"},
        {"name": "server", "type": "Endpoint"},
        {"name": "connCount", "type": "long"},
        {"name": "connPersistent", "type": "long", "doc": "connections that lasted longer than the persistent threshold"},
        {"name": "bytesClientToServer", "type": "long"},
        {"name": "bytesServerToClient", "type": "long"},
        {"name": "durationMsSum", "type": "long"},
        {"name": "maxDurationMs", "type": "long"},
        {"name": "lastSeenMs", "type": "long", "doc": "latest close time in the window, ms since the epoch"},
        {"name": "service", "type": ["null", "Endpoint"], "default": null, "doc": "the Service whose ClusterIP the clients connected to (Connection.service), null for direct connections"}
       ]}""";

  private static final Endpoint WEB = new Endpoint("10.0.0.1", "web-1", "shop", "web", "Deployment",
      EndpointKind.POD, "node-1");
  private static final Endpoint DB = new Endpoint("10.0.0.2", "db-0", "shop", "db", "StatefulSet",
      EndpointKind.POD, "node-1");
  private static final Endpoint DB_SVC = new Endpoint("10.96.0.5", "db", "shop", "db", "Service",
      EndpointKind.SERVICE, null);

  private final Serde<EdgeStats> serde = EdgeStatsSerde.create();

  private static Schema releasedBeforeService() {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(Endpoint.getClassSchema().toString());
    return parser.parse(BEFORE_SERVICE_AVSC);
  }

  private static Schema releasedBeforePorts() {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(Endpoint.getClassSchema().toString());
    return parser.parse(BEFORE_PORTS_AVSC);
  }

  @Test
  void the_derived_schema_before_ports_has_the_released_schemas_fingerprint() {
    assertThat(SchemaNormalization.parsingFingerprint64(EdgeStatsSerde.BEFORE_PORTS))
        .isEqualTo(SchemaNormalization.parsingFingerprint64(releasedBeforePorts()));
  }

  @Test
  void a_value_written_before_the_ports_field_reads_with_no_ports() {
    byte[] bytes = encode(releasedBeforePorts(), DB_SVC, 2L, 0L, 10L, 20L, 30L, 25L, 1_778_580_030_500L);

    assertThat(serde.deserializer().deserialize("edge-stats-changelog", bytes))
        .isEqualTo(new EdgeStats(WEB, DB, 2L, 0L, 10L, 20L, 30L, 25L, 1_778_580_030_500L, DB_SVC, List.of()));
  }

  @Test
  void the_derived_earlier_schema_has_the_released_schemas_fingerprint() {
    assertThat(SchemaNormalization.parsingFingerprint64(EdgeStatsSerde.BEFORE_SERVICE))
        .isEqualTo(SchemaNormalization.parsingFingerprint64(releasedBeforeService()));
  }

  @Test
  void a_value_written_before_the_service_field_reads_with_a_null_service() {
    byte[] bytes = encode(releasedBeforeService(), null, 3L, 1L, 100L, 2000L, 60L, 40L, 1_778_580_030_500L);

    assertThat(serde.deserializer().deserialize("edge-stats-changelog", bytes))
        .isEqualTo(new EdgeStats(WEB, DB, 3L, 1L, 100L, 2000L, 60L, 40L, 1_778_580_030_500L, null, List.of()));
  }

  /** WEB -> DB stats in single-object encoding of the earlier schema {@code old} (service only if it has one). */
  private static byte[] encode(Schema old, Endpoint service, long conn, long persistent, long c2s, long s2c,
      long durationSum, long maxDuration, long lastSeen) {
    GenericRecord v = new GenericData.Record(old);
    v.put("client", WEB);
    v.put("server", DB);
    v.put("connCount", conn);
    v.put("connPersistent", persistent);
    v.put("bytesClientToServer", c2s);
    v.put("bytesServerToClient", s2c);
    v.put("durationMsSum", durationSum);
    v.put("maxDurationMs", maxDuration);
    v.put("lastSeenMs", lastSeen);
    if (old.getField("service") != null) {
      v.put("service", service);
    }
    try {
      ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(v);
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void current_values_round_trip_and_are_written_as_the_schemas_serde_writes_them() {
    EdgeStats s = new EdgeStats(WEB, DB, 1L, 0L, 5L, 6L, 7L, 7L, 1_778_580_030_500L, DB_SVC, List.of(5432, 8443));

    byte[] bytes = serde.serializer().serialize("t", s);

    assertThat(bytes).isEqualTo(AvroSerde.of(EdgeStats.class).encode(s));
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(s);
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void bytes_that_are_no_edge_stats_are_refused_with_a_clear_message() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class).hasMessageStartingWith("not an EdgeStats");
  }
}
