package io.k8spacket.agent.event;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the ring record decoders read alike: records in the host's byte order, an {@code AF_INET}/{@code AF_INET6}
 * family with two 16-byte address fields, and one-byte enums numbered from 1. Each check throws
 * {@link MalformedEventException} starting with the record's name, e.g. {@code TLS chunk with unknown address
 * family 1}.
 */
final class RingRecords {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;

  private RingRecords() {}

  /** Decoders read with absolute gets in the host's order; a buffer in another order is a caller's bug. */
  static void requireNativeOrder(ByteBuffer buffer) {
    if (buffer.order() != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("buffer must be in native byte order");
    }
  }

  /** The meaningful bytes of each address field for the u16 {@code family} at {@code at}: 4 or 16. */
  static int addressBytes(ByteBuffer buffer, int at, String record) {
    return addressBytes(Short.toUnsignedInt(buffer.getShort(at)), record);
  }

  /** The meaningful bytes of each address field for {@code family}: 4 or 16. */
  static int addressBytes(int family, String record) {
    return switch (family) {
      case AF_INET -> 4;
      case AF_INET6 -> 16;
      default -> throw new MalformedEventException(record + " with unknown address family " + family);
    };
  }

  /**
   * Checks that two endpoints of one record are both IPv4 or both IPv6: IPv4-mapped IPv6 addresses
   * ({@code ::ffff:a.b.c.d}) come back as IPv4 (the JDK maps them), so one mapped and one real IPv6 is malformed.
   */
  static void requireSameKind(InetAddress first, InetAddress second, String record) {
    if (first.getClass() != second.getClass()) {
      throw new MalformedEventException(record + " mixes IPv4-mapped and IPv6 endpoints: " + first + ", " + second);
    }
  }

  /** {@code values[value - 1]}: C enums start at 1 so that a zeroed field is never valid. */
  static <E> E oneBased(byte value, String what, E[] values) {
    int index = Byte.toUnsignedInt(value) - 1;
    if (index < 0 || index >= values.length) {
      throw new MalformedEventException(what + " " + Byte.toUnsignedInt(value));
    }
    return values[index];
  }

}
