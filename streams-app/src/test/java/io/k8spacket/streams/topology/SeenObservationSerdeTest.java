package io.k8spacket.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.CountOnceState;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.SeenObservation;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SeenObservationSerdeTest {
  static final long CLOSE_MS = 1_800_000_000_000L;
  final Serde<SeenObservation> serde = SeenObservationSerde.create(Duration.ofSeconds(30));

  @Test
  void a_held_value_of_the_previous_release_reads_as_held_until_its_close_plus_the_twin_wait() {
    SeenObservation read = serde.deserializer().deserialize("t", previous(observation(held())));

    assertThat(read.getState()).isEqualTo(CountOnceState.HELD);
    assertThat(read.getHoldUntilMs()).isEqualTo(CLOSE_MS + 30_000);
    assertThat(read.getHeld()).isEqualTo(held());
    assertThat(read.getClosed()).isTrue();
    assertThat(read.getPaired()).isFalse();
    assertThat(read.getServerKind()).isEqualTo(EndpointKind.SERVICE);
  }

  @Test
  void a_counted_value_of_the_previous_release_reads_as_a_counting_unpaired_close() {
    SeenObservation read = serde.deserializer().deserialize("t", previous(observation(null)));

    assertThat(read.getState()).isEqualTo(CountOnceState.COUNTING);
    assertThat(read.getHeld()).isNull();
    assertThat(read.getClosed()).isTrue();
    assertThat(read.getPaired()).isFalse();
    assertThat(read.getBackend()).isNull();
  }

  @Test
  void a_current_value_reads_back_unchanged() {
    SeenObservation o = observation(null);
    o.setState(CountOnceState.SILENT);
    o.setPaired(true);
    o.setClosed(false);

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", o))).isEqualTo(o);
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  /** {@code o} as the previous release wrote it: its schema (and fingerprint), the fields it had. */
  private static byte[] previous(SeenObservation o) {
    return CompatibleSerdeTest.encode(o, SeenObservationSerde.BEFORE_PROGRESS_REPORTS);
  }

  private static SeenObservation observation(Connection held) {
    return SeenObservation.newBuilder().setObserver(Observer.CLIENT).setOpenTimeNs((CLOSE_MS - 2_000) * 1_000_000L)
        .setCloseTimeNs(CLOSE_MS * 1_000_000L).setServerIp("10.96.0.10").setServerPort(80)
        .setServerKind(EndpointKind.SERVICE).setHeld(held).build();
  }

  private static Connection held() {
    Endpoint client = new Endpoint("10.0.1.5", "shop-1", "shop", "shop", "Deployment", EndpointKind.POD, "node-a");
    Endpoint service = new Endpoint("10.96.0.10", "api", "shop", "api", "Service", EndpointKind.SERVICE, null);
    return Connection.newBuilder().setClient(client).setClientPort(41000).setServer(service).setServerPort(80)
        .setFamily(AddressFamily.IPV4).setObserver(Observer.CLIENT).setNode("node-a")
        .setBytesClientToServer(300).setBytesServerToClient(4000).setSegmentsClientToServer(3)
        .setSegmentsServerToClient(4).setRetransmits(0).setSrttMicros(120)
        .setOpenTimeNs((CLOSE_MS - 2_000) * 1_000_000L).setCloseTimeNs(CLOSE_MS * 1_000_000L)
        .setCloseKind(CloseKind.RESET).build();
  }
}
