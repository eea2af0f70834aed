package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.T0;
import static io.k8spacket.streams.topology.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CompatibleSerdeTest {
  @Test
  void the_schemas_before_open_have_the_fingerprints_of_the_previous_release() {
    // parsed from the .avsc files of the commit before CloseKind gained OPEN
    assertThat(fingerprint(CompatibleSerde.beforeOpen(TcpConnectionEvent.getClassSchema())))
        .isEqualTo(0x870b1276c2769306L);
    assertThat(fingerprint(CompatibleSerde.beforeOpen(Connection.getClassSchema()))).isEqualTo(0xf36724418d0f8451L);
    // and found in the count-once-pending stores that release wrote (C3 01, then it, little-endian)
    assertThat(fingerprint(SeenObservationSerde.BEFORE_PROGRESS_REPORTS)).isEqualTo(0x0f264440ce1b570eL);
  }

  @Test
  void a_tcp_event_of_an_agent_before_progress_reports_reads_as_it_was_written() {
    TcpConnectionEvent e = event(Observer.SERVER, "10.0.0.1", 40000, "10.0.0.2", 5432, T0, T0 + 1_000, 5, 6,
        CloseKind.NEVER_ESTABLISHED);
    byte[] old = encode(e, CompatibleSerde.beforeOpen(TcpConnectionEvent.getClassSchema()));

    assertThat(CompatibleSerde.tcpEvents().deserializer().deserialize("t", old)).isEqualTo(e);
    assertThat(CompatibleSerde.tcpEvents().deserializer().deserialize("t",
        CompatibleSerde.tcpEvents().serializer().serialize("t", e))).isEqualTo(e);
  }

  @Test
  void bytes_of_another_type_still_fail_with_the_type_named() {
    byte[] tcpEvent = encode(event(Observer.CLIENT, "10.0.0.1", 1, "10.0.0.2", 2, T0, T0, 0, 0),
        TcpConnectionEvent.getClassSchema());

    assertThatThrownBy(() -> CompatibleSerde.connections().deserializer().deserialize("t", tcpEvent))
        .isInstanceOf(SerializationException.class).hasMessageContaining("not a Connection");
    assertThat(CompatibleSerde.connections().deserializer().deserialize("t", null)).isNull();
  }

  /** {@code record} written with {@code schema} (same field positions) in single-object encoding. */
  static <T extends SpecificRecord> byte[] encode(T record, Schema schema) {
    try {
      ByteBuffer buffer = new BinaryMessageEncoder<T>(SpecificData.get(), schema).encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }
}
