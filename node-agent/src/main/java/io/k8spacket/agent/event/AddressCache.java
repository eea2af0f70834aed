package io.k8spacket.agent.event;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The {@link InetAddress} of a ring record's address field, reused: a node sees the same few thousand pod
 * addresses again and again, and building an address costs two arrays and two objects per endpoint per event.
 * Direct-mapped (a slot per raw-value hash, the newest address wins a slot), so it is bounded and never evicts
 * anything that matters for correctness: a miss just builds the address. {@code InetAddress} is immutable, so
 * records may share one. One cache per decoder; not thread-safe (each ring has one reader thread).
 */
final class AddressCache {
  private static final int SLOTS = 4096; // a power of two: 4096 IPv4 + 4096 IPv6 addresses, about 400 KiB
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final int[] v4Raw = new int[SLOTS];
  private final InetAddress[] v4 = new InetAddress[SLOTS];
  private final long[] v6High = new long[SLOTS];
  private final long[] v6Low = new long[SLOTS];
  private final InetAddress[] v6 = new InetAddress[SLOTS];

  /**
   * The address in the first {@code length} (4 or 16) bytes at {@code at} of {@code bytes}; IPv4-mapped IPv6
   * comes back as IPv4, as {@link InetAddress#getByAddress(byte[])} maps it.
   */
  InetAddress address(byte[] bytes, int at, int length) {
    if (length == 4) {
      int raw = (int) INT.get(bytes, at);
      int slot = spread(raw) & (SLOTS - 1);
      InetAddress cached = v4[slot];
      if (cached != null && v4Raw[slot] == raw) {
        return cached;
      }
      InetAddress built = build(bytes, at, 4);
      v4Raw[slot] = raw;
      v4[slot] = built;
      return built;
    }
    long high = (long) LONG.get(bytes, at);
    long low = (long) LONG.get(bytes, at + 8);
    int slot = spread(Long.hashCode(high * 31 + low)) & (SLOTS - 1);
    InetAddress cached = v6[slot];
    if (cached != null && v6High[slot] == high && v6Low[slot] == low) {
      return cached;
    }
    InetAddress built = build(bytes, at, 16);
    v6High[slot] = high;
    v6Low[slot] = low;
    v6[slot] = built;
    return built;
  }

  private static int spread(int h) {
    h *= 0x9E3779B9; // Fibonacci hashing: neighbouring addresses land in different slots
    return h ^ (h >>> 16);
  }

  private static InetAddress build(byte[] from, int at, int length) {
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(from, at, at + length));
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }
}
