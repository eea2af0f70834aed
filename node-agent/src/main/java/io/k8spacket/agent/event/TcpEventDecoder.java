package io.k8spacket.agent.event;

import io.k8spacket.agent.event.TcpConnection.AddressFamily;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpConnection.Observer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Decodes {@code struct k8sp_tcp_event} (bpf/include/k8spacket.h, the source of truth) into a
 * {@link TcpConnection}, field by field in C order. The offsets are public constants so that
 * {@code BtfLayoutTest} can hold them to the compiled object's BTF: a C change Java missed fails the build.
 *
 * <p>Worked example: the probe saw a client in 10.231.1.1:40000 send 123457 bytes to 10.231.1.2:8080 and
 * receive 765433; the record holds {@code bytes_c2s = 123457} at offset 24, {@code client_addr = 0a e7 01 01}
 * then 12 zero bytes at offset 40, {@code client_port = 40000} (host order) at offset 92, {@code family = 2} at
 * 96, {@code observer = 1} at 98. {@code decode} turns that into {@code TcpConnection[family=IPV4,
 * client=/10.231.1.1, clientPort=40000, server=/10.231.1.2, serverPort=8080, observer=CLIENT,
 * bytesClientToServer=123457, bytesServerToClient=765433, ...]} with {@code open_ns}/{@code close_ns} moved
 * from CLOCK_BOOTTIME to epoch ns by the {@link BootClock}. An observer, close kind or family value the
 * header does not define throws {@link MalformedEventException} (the caller counts it and goes on).
 *
 * <p>Copies the record with one absolute bulk get and reads it in the host's byte order; the buffer's position
 * and limit are left alone. Per event it allocates only the {@code TcpConnection}: addresses come from a
 * per-decoder cache, enums from constant arrays. One decoder per reader thread.
 */
public final class TcpEventDecoder {
  public static final int OFFSET_OPEN_NS = 0;
  public static final int OFFSET_CLOSE_NS = 8;
  public static final int OFFSET_NETNS_COOKIE = 16;
  public static final int OFFSET_BYTES_C2S = 24;
  public static final int OFFSET_BYTES_S2C = 32;
  public static final int OFFSET_CLIENT_ADDR = 40;
  public static final int OFFSET_SERVER_ADDR = 56;
  public static final int OFFSET_SEGS_C2S = 72;
  public static final int OFFSET_SEGS_S2C = 76;
  public static final int OFFSET_RETRANSMITS = 80;
  public static final int OFFSET_SRTT_US = 84;
  public static final int OFFSET_NETNS_INO = 88;
  public static final int OFFSET_CLIENT_PORT = 92;
  public static final int OFFSET_SERVER_PORT = 94;
  public static final int OFFSET_FAMILY = 96;
  public static final int OFFSET_OBSERVER = 98;
  public static final int OFFSET_CLOSE_KIND = 99;
  public static final int OFFSET_PAD = 100;
  /** {@code sizeof(struct k8sp_tcp_event)}. */
  public static final int SIZE = 104;
  /** Name of the C struct in the object's BTF. */
  public static final String C_STRUCT = "k8sp_tcp_event";

  /** Every field of the C struct in declaration order, padding included. */
  public static final List<StructField> LAYOUT = List.of(
      new StructField("open_ns", OFFSET_OPEN_NS, 8),
      new StructField("close_ns", OFFSET_CLOSE_NS, 8),
      new StructField("netns_cookie", OFFSET_NETNS_COOKIE, 8),
      new StructField("bytes_c2s", OFFSET_BYTES_C2S, 8),
      new StructField("bytes_s2c", OFFSET_BYTES_S2C, 8),
      new StructField("client_addr", OFFSET_CLIENT_ADDR, 16),
      new StructField("server_addr", OFFSET_SERVER_ADDR, 16),
      new StructField("segs_c2s", OFFSET_SEGS_C2S, 4),
      new StructField("segs_s2c", OFFSET_SEGS_S2C, 4),
      new StructField("retransmits", OFFSET_RETRANSMITS, 4),
      new StructField("srtt_us", OFFSET_SRTT_US, 4),
      new StructField("netns_ino", OFFSET_NETNS_INO, 4),
      new StructField("client_port", OFFSET_CLIENT_PORT, 2),
      new StructField("server_port", OFFSET_SERVER_PORT, 2),
      new StructField("family", OFFSET_FAMILY, 2),
      new StructField("observer", OFFSET_OBSERVER, 1),
      new StructField("close_kind", OFFSET_CLOSE_KIND, 1),
      new StructField("_pad", OFFSET_PAD, 4));

  /** {@code enum k8sp_observer} and {@code enum k8sp_close_kind} by value - 1 (one array, not one per event). */
  private static final Observer[] OBSERVERS = {Observer.CLIENT, Observer.SERVER};
  private static final CloseKind[] CLOSE_KINDS =
      {CloseKind.NORMAL, CloseKind.RESET, CloseKind.NEVER_ESTABLISHED, CloseKind.OPEN};

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

  private final BootClock clock;
  private final AddressCache addresses = new AddressCache();
  private final byte[] record = new byte[SIZE];

  /** A decoder for one reader thread (it keeps a cache of the addresses it has seen). */
  public TcpEventDecoder(BootClock clock) {
    this.clock = clock;
  }

  /**
   * Decodes the record of {@code length} bytes at {@code offset} of {@code buffer}, whose order must be the
   * host's. The buffer's position and limit are not used or changed.
   *
   * @throws MalformedEventException when the record is shorter than the struct or holds an unknown enum value
   */
  public TcpConnection decode(ByteBuffer buffer, int offset, int length) {
    if (length < SIZE) {
      throw new MalformedEventException("TCP event of " + length + " bytes, expected " + SIZE);
    }
    RingRecords.requireNativeOrder(buffer);
    // one copy of the record (like C's memcpy into the struct), then reads at constant offsets of a fixed-size
    // array, whose bounds checks the JIT removes: cheaper than a checked buffer read per field
    byte[] r = record;
    buffer.get(offset, r, 0, SIZE);
    int family = Short.toUnsignedInt((short) SHORT.get(r, OFFSET_FAMILY));
    int addressBytes = RingRecords.addressBytes(family, "TCP event");
    InetAddress client = addresses.address(r, OFFSET_CLIENT_ADDR, addressBytes);
    InetAddress server = addresses.address(r, OFFSET_SERVER_ADDR, addressBytes);
    RingRecords.requireSameKind(client, server, "TCP event");
    long openNs = (long) LONG.get(r, OFFSET_OPEN_NS);
    return new TcpConnection(
        client instanceof Inet4Address ? AddressFamily.IPV4 : AddressFamily.IPV6,
        client,
        Short.toUnsignedInt((short) SHORT.get(r, OFFSET_CLIENT_PORT)),
        server,
        Short.toUnsignedInt((short) SHORT.get(r, OFFSET_SERVER_PORT)),
        RingRecords.oneBased(r[OFFSET_OBSERVER], "TCP event with unknown observer", OBSERVERS),
        RingRecords.oneBased(r[OFFSET_CLOSE_KIND], "TCP event with unknown close kind", CLOSE_KINDS),
        (long) LONG.get(r, OFFSET_BYTES_C2S),
        (long) LONG.get(r, OFFSET_BYTES_S2C),
        Integer.toUnsignedLong((int) INT.get(r, OFFSET_SEGS_C2S)),
        Integer.toUnsignedLong((int) INT.get(r, OFFSET_SEGS_S2C)),
        Integer.toUnsignedLong((int) INT.get(r, OFFSET_RETRANSMITS)),
        Integer.toUnsignedLong((int) INT.get(r, OFFSET_SRTT_US)),
        (long) LONG.get(r, OFFSET_NETNS_COOKIE),
        Integer.toUnsignedLong((int) INT.get(r, OFFSET_NETNS_INO)),
        clock.toEpochNanos(openNs),
        clock.toEpochNanos((long) LONG.get(r, OFFSET_CLOSE_NS)),
        openNs);
  }
}
