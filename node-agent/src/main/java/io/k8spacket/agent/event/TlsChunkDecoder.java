package io.k8spacket.agent.event;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Decodes {@code struct k8sp_tls_chunk} and the payload bytes behind it (bpf/include/k8spacket.h, the source of
 * truth) into a {@link TlsChunk}, field by field in C order. Offsets are public constants so that
 * {@code BtfLayoutTest} holds them to the compiled object's BTF.
 *
 * <p>Worked example: a client 10.231.60.1:40000 sends a 517-byte ClientHello to 10.231.60.2:443, seen on the
 * egress hook of ifindex 7; the ring record is 64 + 517 bytes: {@code captured_ns} at 0, {@code src_addr =
 * 0a e7 3c 01} then 12 zero bytes at 8, {@code dst_addr} at 24, {@code ifindex = 7} at 40, {@code seq} at 44,
 * {@code src_port = 40000} at 48, {@code dst_port = 443} at 50, {@code len = 517} at 52, {@code family = 2} at
 * 54, {@code direction = 2} at 56, {@code flags = 1} (start) at 57, six zero bytes, then the record bytes
 * {@code 16 03 01 02 00 01 ...} at 64. {@code decode} gives {@code TlsChunk[direction=EGRESS,
 * src=/10.231.60.1, srcPort=40000, dst=/10.231.60.2, dstPort=443, start=true, payload=(517 bytes)]} with the
 * time moved from CLOCK_BOOTTIME to epoch ns. A family, direction or length the header does not allow throws
 * {@link MalformedEventException}.
 */
public final class TlsChunkDecoder {
  /** {@code enum k8sp_tls_direction} by value - 1. */
  private static final TlsChunk.Direction[] DIRECTIONS = {TlsChunk.Direction.INGRESS, TlsChunk.Direction.EGRESS};
  public static final int OFFSET_CAPTURED_NS = 0;
  public static final int OFFSET_SRC_ADDR = 8;
  public static final int OFFSET_DST_ADDR = 24;
  public static final int OFFSET_IFINDEX = 40;
  public static final int OFFSET_SEQ = 44;
  public static final int OFFSET_SRC_PORT = 48;
  public static final int OFFSET_DST_PORT = 50;
  public static final int OFFSET_LEN = 52;
  public static final int OFFSET_FAMILY = 54;
  public static final int OFFSET_DIRECTION = 56;
  public static final int OFFSET_FLAGS = 57;
  public static final int OFFSET_PAD = 58;
  public static final int OFFSET_DATA = 64;
  /** {@code sizeof(struct k8sp_tls_chunk)}: the header; {@code len} payload bytes follow. */
  public static final int SIZE = 64;
  /** {@code K8SP_TLS_MAX_CAP}: most payload bytes in one chunk. */
  public static final int MAX_CAP = 4096;
  /** {@code K8SP_TLS_FLAG_START}. */
  public static final int FLAG_START = 1;
  /** {@code K8SP_TLS_FLAG_TRUNCATED}. */
  public static final int FLAG_TRUNCATED = 2;
  /** Name of the C struct in the object's BTF. */
  public static final String C_STRUCT = "k8sp_tls_chunk";

  /** Every field of the C struct in declaration order, padding and the flexible {@code data[]} included. */
  public static final List<StructField> LAYOUT = List.of(
      new StructField("captured_ns", OFFSET_CAPTURED_NS, 8),
      new StructField("src_addr", OFFSET_SRC_ADDR, 16),
      new StructField("dst_addr", OFFSET_DST_ADDR, 16),
      new StructField("ifindex", OFFSET_IFINDEX, 4),
      new StructField("seq", OFFSET_SEQ, 4),
      new StructField("src_port", OFFSET_SRC_PORT, 2),
      new StructField("dst_port", OFFSET_DST_PORT, 2),
      new StructField("len", OFFSET_LEN, 2),
      new StructField("family", OFFSET_FAMILY, 2),
      new StructField("direction", OFFSET_DIRECTION, 1),
      new StructField("flags", OFFSET_FLAGS, 1),
      new StructField("_pad", OFFSET_PAD, 6),
      new StructField("data", OFFSET_DATA, 0));

  private final BootClock clock;
  private final AddressCache addresses = new AddressCache();
  private final byte[] addressFields = new byte[32]; // src_addr and dst_addr, copied out together

  /** A decoder for one reader thread (it keeps a cache of the addresses it has seen). */
  public TlsChunkDecoder(BootClock clock) {
    this.clock = clock;
  }

  /**
   * Decodes the record of {@code length} bytes at {@code offset} of {@code buffer} (host byte order). The
   * buffer's position and limit are not used or changed; the payload is copied out.
   *
   * @throws MalformedEventException when the record is shorter than its header says or holds an unknown value
   */
  public TlsChunk decode(ByteBuffer buffer, int offset, int length) {
    if (length < SIZE) {
      throw new MalformedEventException("TLS chunk of " + length + " bytes, shorter than its " + SIZE
          + "-byte header");
    }
    RingRecords.requireNativeOrder(buffer);
    int len = Short.toUnsignedInt(buffer.getShort(offset + OFFSET_LEN));
    if (len == 0 || len > MAX_CAP || SIZE + len > length) {
      throw new MalformedEventException("TLS chunk says len " + len + " in a record of " + length + " bytes");
    }
    int addressBytes = RingRecords.addressBytes(buffer, offset + OFFSET_FAMILY, "TLS chunk");
    TlsChunk.Direction direction = RingRecords.oneBased(buffer.get(offset + OFFSET_DIRECTION),
        "TLS chunk with unknown direction", DIRECTIONS);
    buffer.get(offset + OFFSET_SRC_ADDR, addressFields, 0, 32);
    InetAddress src = addresses.address(addressFields, 0, addressBytes);
    InetAddress dst = addresses.address(addressFields, OFFSET_DST_ADDR - OFFSET_SRC_ADDR, addressBytes);
    RingRecords.requireSameKind(src, dst, "TLS chunk");
    int flags = Byte.toUnsignedInt(buffer.get(offset + OFFSET_FLAGS));
    byte[] payload = new byte[len];
    buffer.get(offset + OFFSET_DATA, payload);
    return new TlsChunk(
        clock.toEpochNanos(buffer.getLong(offset + OFFSET_CAPTURED_NS)),
        buffer.getInt(offset + OFFSET_IFINDEX),
        direction,
        src,
        Short.toUnsignedInt(buffer.getShort(offset + OFFSET_SRC_PORT)),
        dst,
        Short.toUnsignedInt(buffer.getShort(offset + OFFSET_DST_PORT)),
        Integer.toUnsignedLong(buffer.getInt(offset + OFFSET_SEQ)),
        (flags & FLAG_START) != 0,
        (flags & FLAG_TRUNCATED) != 0,
        payload);
  }
}
