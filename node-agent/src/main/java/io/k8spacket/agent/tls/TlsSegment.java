package io.k8spacket.agent.tls;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A chunk of TCP payload the kernel copied from one direction of a TLS flow: handshake-record bytes starting at
 * TCP sequence number {@code seq}. Chunks may repeat, overlap and arrive out of order; {@link TlsAssembler} puts
 * them back together. The payload array is not copied here; do not change it after passing it on.
 *
 * @param capturedAtNs wall clock, ns since the epoch, when the kernel saw the packet
 * @param seq unsigned 32-bit TCP sequence number of {@code payload[0]}
 */
public record TlsSegment(long capturedAtNs, InetAddress src, int srcPort, InetAddress dst, int dstPort, long seq,
                         byte[] payload) {

  public TlsSegment {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(payload, "payload");
    if (srcPort < 0 || srcPort > 0xffff) {
      throw new IllegalArgumentException("srcPort out of range: " + srcPort);
    }
    if (dstPort < 0 || dstPort > 0xffff) {
      throw new IllegalArgumentException("dstPort out of range: " + dstPort);
    }
    if (seq < 0 || seq > 0xffff_ffffL) {
      throw new IllegalArgumentException("seq is not an unsigned 32-bit value: " + seq);
    }
  }
}
