package io.k8spacket.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AvroMapperTest {
  private final AvroMapper mapper = new AvroMapper("node-a");

  static TcpConnection ipv6Connection() throws Exception {
    return new TcpConnection(TcpConnection.AddressFamily.IPV6, InetAddress.getByName("fd00:231:1:0:0:0:0:1"), 40000,
        InetAddress.getByName("FD00:231:1::2"), 8443, TcpConnection.Observer.SERVER, TcpConnection.CloseKind.RESET,
        123457, 765433, 95, 530, 3, 57, 4097, 4026531840L, 1_700_000_005_000_000_000L, 1_700_000_005_250_000_000L,
        77_000_000_000L);
  }

  @Test
  void every_field_is_mapped() throws Exception {
    TcpConnectionEvent e = mapper.toAvro(ipv6Connection());

    assertThat(e.getFamily()).isEqualTo(AddressFamily.IPV6);
    assertThat(e.getClientIp()).isEqualTo("fd00:231:1::1");
    assertThat(e.getClientPort()).isEqualTo(40000);
    assertThat(e.getServerIp()).isEqualTo("fd00:231:1::2");
    assertThat(e.getServerPort()).isEqualTo(8443);
    assertThat(e.getObserver()).isEqualTo(Observer.SERVER);
    assertThat(e.getNode()).isEqualTo("node-a");
    assertThat(e.getNetnsCookie()).isEqualTo(4097);
    assertThat(e.getNetnsInode()).isEqualTo(4026531840L);
    assertThat(e.getBytesClientToServer()).isEqualTo(123457);
    assertThat(e.getBytesServerToClient()).isEqualTo(765433);
    assertThat(e.getSegmentsClientToServer()).isEqualTo(95);
    assertThat(e.getSegmentsServerToClient()).isEqualTo(530);
    assertThat(e.getRetransmits()).isEqualTo(3);
    assertThat(e.getSrttMicros()).isEqualTo(57);
    assertThat(e.getOpenTimeNs()).isEqualTo(1_700_000_005_000_000_000L);
    assertThat(e.getCloseTimeNs()).isEqualTo(1_700_000_005_250_000_000L);
    assertThat(e.getCloseKind()).isEqualTo(CloseKind.RESET);
  }

  @Test
  void ipv4_client_and_enums_map_and_the_key_is_the_client_ip() throws Exception {
    TcpConnection c = new TcpConnection(TcpConnection.AddressFamily.IPV4, InetAddress.getByName("10.231.1.1"), 1,
        InetAddress.getByName("10.231.1.2"), 2, TcpConnection.Observer.CLIENT,
        TcpConnection.CloseKind.NEVER_ESTABLISHED, 0, 0, 1, 0, 0, 0, 0, 1, 10, 20, 5);

    TcpConnectionEvent e = mapper.toAvro(c);

    assertThat(AvroMapper.key(c)).isEqualTo("10.231.1.1");
    assertThat(e.getFamily()).isEqualTo(AddressFamily.IPV4);
    assertThat(e.getObserver()).isEqualTo(Observer.CLIENT);
    assertThat(e.getCloseKind()).isEqualTo(CloseKind.NEVER_ESTABLISHED);
    assertThat(e.getServerIp()).isEqualTo("10.231.1.2");
  }

  @Test
  void the_value_round_trips_through_the_topic_serde() throws Exception {
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    TcpConnectionEvent e = mapper.toAvro(ipv6Connection());

    assertThat(serde.decode(serde.encode(e))).isEqualTo(e);
  }
}
