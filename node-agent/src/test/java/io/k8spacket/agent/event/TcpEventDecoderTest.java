package io.k8spacket.agent.event;

import static io.k8spacket.agent.event.RecordBytes.assertContiguous;
import static io.k8spacket.agent.event.RecordBytes.buffer;
import static io.k8spacket.agent.event.RecordBytes.bytes;
import static io.k8spacket.agent.event.RecordBytes.ipv4Mapped;
import static io.k8spacket.agent.event.RecordBytes.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.agent.event.TcpConnection.AddressFamily;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpConnection.Observer;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class TcpEventDecoderTest {
  private static final long OFFSET = 1_700_000_000_000_000_000L;
  private final TcpEventDecoder decoder = new TcpEventDecoder(BootClock.fixed(OFFSET));

  /** One struct k8sp_tcp_event as the x86-64 kernel writes it (little-endian), every byte accounted for. */
  private static final byte[] GOLDEN = bytes(
      0x00, 0xF2, 0x05, 0x2A, 0x01, 0x00, 0x00, 0x00, // open_ns = 5_000_000_000
      0x80, 0xA4, 0xEC, 0x38, 0x01, 0x00, 0x00, 0x00, // close_ns = 5_250_000_000
      0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // netns_cookie = 4097
      0x41, 0xE2, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // bytes_c2s = 123457
      0xF9, 0xAD, 0x0B, 0x00, 0x00, 0x00, 0x00, 0x00, // bytes_s2c = 765433
      0x0A, 0xE7, 0x01, 0x01, // client_addr = 10.231.1.1 (network order) ...
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ... rest of client_addr, zero
      0x0A, 0xE7, 0x01, 0x02, // server_addr = 10.231.1.2 ...
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ... rest of server_addr, zero
      0x5F, 0x00, 0x00, 0x00, // segs_c2s = 95
      0x12, 0x02, 0x00, 0x00, // segs_s2c = 530
      0x03, 0x00, 0x00, 0x00, // retransmits = 3
      0x39, 0x00, 0x00, 0x00, // srtt_us = 57
      0x00, 0x00, 0x00, 0xF0, // netns_ino = 4026531840 (above Integer.MAX_VALUE: read unsigned)
      0x40, 0x9C, // client_port = 40000 (above Short.MAX_VALUE: read unsigned)
      0x90, 0x1F, // server_port = 8080
      0x02, 0x00, // family = AF_INET
      0x01, // observer = K8SP_OBSERVER_CLIENT
      0x01, // close_kind = K8SP_CLOSE_NORMAL
      0x00, // _pad[0]
      0x00, // _pad[1]
      0x00, // _pad[2]
      0x00); // _pad[3]

  @Test
  void golden_bytes_decode_to_every_field() throws Exception {
    assertThat(GOLDEN).hasSize(TcpEventDecoder.SIZE);

    TcpConnection c = decoder.decode(buffer(GOLDEN), 0, GOLDEN.length);

    assertThat(c.openEpochNs()).isEqualTo(OFFSET + 5_000_000_000L);
    assertThat(c.closeEpochNs()).isEqualTo(OFFSET + 5_250_000_000L);
    assertThat(c.netnsCookie()).isEqualTo(4097);
    assertThat(c.bytesClientToServer()).isEqualTo(123457);
    assertThat(c.bytesServerToClient()).isEqualTo(765433);
    assertThat(c.client()).isEqualTo(InetAddress.getByName("10.231.1.1"));
    assertThat(c.server()).isEqualTo(InetAddress.getByName("10.231.1.2"));
    assertThat(c.segmentsClientToServer()).isEqualTo(95);
    assertThat(c.segmentsServerToClient()).isEqualTo(530);
    assertThat(c.retransmits()).isEqualTo(3);
    assertThat(c.srttMicros()).isEqualTo(57);
    assertThat(c.netnsInode()).isEqualTo(4026531840L);
    assertThat(c.clientPort()).isEqualTo(40000);
    assertThat(c.serverPort()).isEqualTo(8080);
    assertThat(c.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(c.observer()).isEqualTo(Observer.CLIENT);
    assertThat(c.closeKind()).isEqualTo(CloseKind.NORMAL);
  }

  @Test
  void a_progress_report_is_an_open_connection_with_the_raw_open_time_as_identity() {
    TcpConnection c = decoder.decode(buffer(with(GOLDEN, TcpEventDecoder.OFFSET_CLOSE_KIND, 4)), 0, GOLDEN.length);

    assertThat(c.closeKind()).isEqualTo(CloseKind.OPEN);
    assertThat(c.openBootNs()).isEqualTo(5_000_000_000L);
    assertThat(c.openEpochNs()).isEqualTo(OFFSET + 5_000_000_000L);
  }

  @Test
  void decodes_at_an_offset_inside_a_larger_buffer() {
    byte[] ring = new byte[8 + GOLDEN.length + 16];
    System.arraycopy(GOLDEN, 0, ring, 8, GOLDEN.length);

    TcpConnection c = decoder.decode(buffer(ring), 8, GOLDEN.length);

    assertThat(c.bytesServerToClient()).isEqualTo(765433);
    assertThat(c.serverPort()).isEqualTo(8080);
  }

  @Test
  void ipv6_addresses_use_all_sixteen_bytes() throws Exception {
    byte[] event = GOLDEN.clone();
    byte[] client = InetAddress.getByName("fd00:231:1::1").getAddress();
    byte[] server = InetAddress.getByName("fd00:231:1::2").getAddress();
    System.arraycopy(client, 0, event, TcpEventDecoder.OFFSET_CLIENT_ADDR, 16);
    System.arraycopy(server, 0, event, TcpEventDecoder.OFFSET_SERVER_ADDR, 16);
    event[TcpEventDecoder.OFFSET_FAMILY] = 10; // AF_INET6
    event[TcpEventDecoder.OFFSET_OBSERVER] = 2; // server
    event[TcpEventDecoder.OFFSET_CLOSE_KIND] = 3; // never established

    TcpConnection c = decoder.decode(buffer(event), 0, event.length);

    assertThat(c.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(c.client()).isEqualTo(InetAddress.getByName("fd00:231:1::1"));
    assertThat(c.server()).isEqualTo(InetAddress.getByName("fd00:231:1::2"));
    assertThat(c.observer()).isEqualTo(Observer.SERVER);
    assertThat(c.closeKind()).isEqualTo(CloseKind.NEVER_ESTABLISHED);
  }

  @Test
  void ipv4_mapped_ipv6_is_reported_as_ipv4() throws Exception {
    byte[] event = GOLDEN.clone();
    System.arraycopy(ipv4Mapped(10, 231, 1, 1), 0, event, TcpEventDecoder.OFFSET_CLIENT_ADDR, 16);
    System.arraycopy(ipv4Mapped(10, 231, 1, 2), 0, event, TcpEventDecoder.OFFSET_SERVER_ADDR, 16);
    event[TcpEventDecoder.OFFSET_FAMILY] = 10; // AF_INET6 socket, IPv4 peer
    event[TcpEventDecoder.OFFSET_CLOSE_KIND] = 2; // reset

    TcpConnection c = decoder.decode(buffer(event), 0, event.length);

    assertThat(c.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(c.client()).isEqualTo(InetAddress.getByName("10.231.1.1"));
    assertThat(c.server()).isEqualTo(InetAddress.getByName("10.231.1.2"));
    assertThat(c.closeKind()).isEqualTo(CloseKind.RESET);
  }

  @Test
  void unknown_enum_values_are_malformed_events_not_crashes() {
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TcpEventDecoder.OFFSET_OBSERVER, 7)), 0, GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TCP event with unknown observer 7");
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TcpEventDecoder.OFFSET_CLOSE_KIND, 0)), 0,
        GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TCP event with unknown close kind 0");
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TcpEventDecoder.OFFSET_CLOSE_KIND, 5)), 0,
        GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TCP event with unknown close kind 5");
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TcpEventDecoder.OFFSET_FAMILY, 1)), 0, GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TCP event with unknown address family 1");
  }

  @Test
  void short_records_are_malformed() {
    assertThatThrownBy(() -> decoder.decode(buffer(GOLDEN), 0, 96))
        .isInstanceOf(MalformedEventException.class).hasMessage("TCP event of 96 bytes, expected 104");
  }

  @Test
  void layout_constants_are_contiguous_and_fill_the_struct() {
    assertContiguous(TcpEventDecoder.LAYOUT, TcpEventDecoder.SIZE);
  }
}
