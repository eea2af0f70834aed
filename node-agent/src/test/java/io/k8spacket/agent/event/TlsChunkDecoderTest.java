package io.k8spacket.agent.event;

import static io.k8spacket.agent.event.RecordBytes.assertContiguous;
import static io.k8spacket.agent.event.RecordBytes.buffer;
import static io.k8spacket.agent.event.RecordBytes.bytes;
import static io.k8spacket.agent.event.RecordBytes.ipv4Mapped;
import static io.k8spacket.agent.event.RecordBytes.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TlsChunkDecoderTest {
  private static final long OFFSET = 1_700_000_000_000_000_000L;
  private final TlsChunkDecoder decoder = new TlsChunkDecoder(BootClock.fixed(OFFSET));

  /** One struct k8sp_tls_chunk plus 6 payload bytes as the x86-64 kernel writes it, every byte accounted for. */
  private static final byte[] GOLDEN = bytes(
      0x00, 0xF2, 0x05, 0x2A, 0x01, 0x00, 0x00, 0x00, // captured_ns = 5_000_000_000
      0x0A, 0xE7, 0x3C, 0x01, // src_addr = 10.231.60.1 (network order) ...
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ... rest of src_addr, zero
      0x0A, 0xE7, 0x3C, 0x02, // dst_addr = 10.231.60.2 ...
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // ... rest of dst_addr, zero
      0x07, 0x00, 0x00, 0x00, // ifindex = 7
      0xFE, 0xFF, 0xFF, 0xF0, // seq = 0xF0FFFFFE (above Integer.MAX_VALUE: read unsigned)
      0x40, 0x9C, // src_port = 40000 (above Short.MAX_VALUE: read unsigned)
      0xBB, 0x01, // dst_port = 443
      0x06, 0x00, // len = 6
      0x02, 0x00, // family = AF_INET
      0x02, // direction = K8SP_TLS_EGRESS
      0x01, // flags = K8SP_TLS_FLAG_START
      0x00, // _pad[0]
      0x00, // _pad[1]
      0x00, // _pad[2]
      0x00, // _pad[3]
      0x00, // _pad[4]
      0x00, // _pad[5]
      0x16, 0x03, 0x01, 0x02, 0x00, 0x01); // data: a handshake record header and the ClientHello type

  @Test
  void golden_bytes_decode_to_every_field() throws Exception {
    assertThat(GOLDEN).hasSize(TlsChunkDecoder.SIZE + 6);

    TlsChunk c = decoder.decode(buffer(GOLDEN), 0, GOLDEN.length);

    assertThat(c.capturedEpochNs()).isEqualTo(OFFSET + 5_000_000_000L);
    assertThat(c.src()).isEqualTo(InetAddress.getByName("10.231.60.1"));
    assertThat(c.dst()).isEqualTo(InetAddress.getByName("10.231.60.2"));
    assertThat(c.ifindex()).isEqualTo(7);
    assertThat(c.seq()).isEqualTo(0xF0FFFFFEL);
    assertThat(c.srcPort()).isEqualTo(40000);
    assertThat(c.dstPort()).isEqualTo(443);
    assertThat(c.payload()).containsExactly(0x16, 0x03, 0x01, 0x02, 0x00, 0x01);
    assertThat(c.direction()).isEqualTo(TlsChunk.Direction.EGRESS);
    assertThat(c.start()).isTrue();
    assertThat(c.truncated()).isFalse();
    assertThat(c.endSeq()).isEqualTo(0xF1000004L);
  }

  @Test
  void decodes_at_an_offset_and_ignores_ring_padding_after_the_payload() {
    byte[] ring = new byte[8 + GOLDEN.length + 2 + 16]; // records are 8-byte aligned in the ring
    System.arraycopy(GOLDEN, 0, ring, 8, GOLDEN.length);

    TlsChunk c = decoder.decode(buffer(ring), 8, GOLDEN.length + 2);

    assertThat(c.payload()).hasSize(6);
    assertThat(c.dstPort()).isEqualTo(443);
  }

  @Test
  void ipv6_ingress_truncated_and_a_sequence_number_that_wraps() throws Exception {
    byte[] event = GOLDEN.clone();
    System.arraycopy(InetAddress.getByName("fd00:231:60::2").getAddress(), 0, event, TlsChunkDecoder.OFFSET_SRC_ADDR,
        16);
    System.arraycopy(InetAddress.getByName("fd00:231:60::1").getAddress(), 0, event, TlsChunkDecoder.OFFSET_DST_ADDR,
        16);
    event[TlsChunkDecoder.OFFSET_FAMILY] = 10; // AF_INET6
    event[TlsChunkDecoder.OFFSET_DIRECTION] = 1; // ingress
    event[TlsChunkDecoder.OFFSET_FLAGS] = 2; // truncated, not start
    ByteBuffer.wrap(event).order(ByteOrder.LITTLE_ENDIAN).putInt(TlsChunkDecoder.OFFSET_SEQ, -3);

    TlsChunk c = decoder.decode(buffer(event), 0, event.length);

    assertThat(c.src()).isEqualTo(InetAddress.getByName("fd00:231:60::2"));
    assertThat(c.dst()).isEqualTo(InetAddress.getByName("fd00:231:60::1"));
    assertThat(c.direction()).isEqualTo(TlsChunk.Direction.INGRESS);
    assertThat(c.start()).isFalse();
    assertThat(c.truncated()).isTrue();
    assertThat(c.seq()).isEqualTo(0xFFFFFFFDL);
    assertThat(c.endSeq()).isEqualTo(3);
  }

  @Test
  void ipv4_mapped_ipv6_is_reported_as_ipv4() throws Exception {
    byte[] event = GOLDEN.clone();
    System.arraycopy(ipv4Mapped(10, 231, 60, 1), 0, event, TlsChunkDecoder.OFFSET_SRC_ADDR, 16);
    System.arraycopy(ipv4Mapped(10, 231, 60, 2), 0, event, TlsChunkDecoder.OFFSET_DST_ADDR, 16);
    event[TlsChunkDecoder.OFFSET_FAMILY] = 10;

    TlsChunk c = decoder.decode(buffer(event), 0, event.length);

    assertThat(c.src()).isEqualTo(InetAddress.getByName("10.231.60.1"));
    assertThat(c.dst()).isEqualTo(InetAddress.getByName("10.231.60.2"));
  }

  @Test
  void bad_values_are_malformed_events_not_crashes() {
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TlsChunkDecoder.OFFSET_DIRECTION, 3)), 0,
        GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TLS chunk with unknown direction 3");
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TlsChunkDecoder.OFFSET_FAMILY, 1)), 0, GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TLS chunk with unknown address family 1");
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TlsChunkDecoder.OFFSET_LEN, 7)), 0, GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TLS chunk says len 7 in a record of 70 bytes");
    assertThatThrownBy(() -> decoder.decode(buffer(with(GOLDEN, TlsChunkDecoder.OFFSET_LEN, 0)), 0, GOLDEN.length))
        .isInstanceOf(MalformedEventException.class).hasMessage("TLS chunk says len 0 in a record of 70 bytes");
    assertThatThrownBy(() -> decoder.decode(buffer(GOLDEN), 0, 40))
        .isInstanceOf(MalformedEventException.class)
        .hasMessage("TLS chunk of 40 bytes, shorter than its 64-byte header");
  }

  @Test
  void layout_constants_are_contiguous_and_fill_the_header() {
    assertContiguous(TlsChunkDecoder.LAYOUT, TlsChunkDecoder.SIZE);
  }
}
