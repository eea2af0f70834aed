package io.k8spacket.agent.tls;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Cuts a direction's byte stream into kernel-like chunks with TCP sequence numbers, and disorders them the ways a
 * network and several CPUs do: random sizes, shuffling, duplicates, overlapping retransmissions, wrap at 2^32.
 */
final class Chunks {
  private Chunks() {}

  /** One direction of a connection. */
  record Side(InetAddress address, int port) {}

  static final long MOD = 1L << 32;

  /** In order, cut every {@code size} bytes. */
  static List<TlsSegment> inOrder(byte[] stream, long isn, Side from, Side to, long capturedNs, int size) {
    List<TlsSegment> out = new ArrayList<>();
    for (int offset = 0; offset < stream.length; offset += size) {
      out.add(segment(stream, offset, Math.min(stream.length, offset + size), isn, from, to, capturedNs));
    }
    return out;
  }

  /**
   * Random cuts of 1 to {@code maxSize} bytes (the first at least 6, so it shows the hello type, as the kernel
   * requires), plus duplicates and overlapping chunks, shuffled.
   */
  static List<TlsSegment> disordered(byte[] stream, long isn, Side from, Side to, long capturedNs, int maxSize,
                                     Random random) {
    List<TlsSegment> out = new ArrayList<>();
    if (stream.length == 0) {
      return out;
    }
    int offset = 0;
    while (offset < stream.length) {
      int size = 1 + random.nextInt(maxSize);
      if (offset == 0) {
        size = Math.max(size, 6);
      }
      int end = Math.min(stream.length, offset + size);
      out.add(segment(stream, offset, end, isn, from, to, capturedNs));
      offset = end;
    }
    int originals = out.size();
    for (int i = 0; i < originals / 3 + 1; i++) {
      out.add(out.get(random.nextInt(originals))); // the same packet on two interfaces
    }
    for (int i = 0; i < originals / 4 + 1; i++) {
      int start = random.nextInt(stream.length);
      int end = Math.min(stream.length, start + 1 + random.nextInt(maxSize * 2));
      out.add(segment(stream, start, end, isn, from, to, capturedNs)); // a retransmission cut differently
    }
    Collections.shuffle(out, random);
    return out;
  }

  static TlsSegment segment(byte[] stream, int start, int end, long isn, Side from, Side to, long capturedNs) {
    return new TlsSegment(capturedNs, from.address(), from.port(), to.address(), to.port(), (isn + start) % MOD,
        Arrays.copyOfRange(stream, start, end));
  }

  /** Interleaves two lists at random, keeping each list's own order. */
  static List<TlsSegment> interleave(List<TlsSegment> a, List<TlsSegment> b, Random random) {
    List<TlsSegment> out = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (j >= b.size() || i < a.size() && random.nextBoolean()) {
        out.add(a.get(i++));
      } else {
        out.add(b.get(j++));
      }
    }
    return out;
  }
}
