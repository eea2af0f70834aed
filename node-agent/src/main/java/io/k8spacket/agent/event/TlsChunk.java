package io.k8spacket.agent.event;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Bytes of TLS handshake records captured from one packet of one flow direction ({@code src → dst}): the domain
 * form of {@code struct k8sp_tls_chunk}. {@code payload[0]} is at TCP sequence number {@code seq} (u32, as
 * a long); only bytes of handshake records are ever captured, never application data.
 *
 * @param capturedEpochNs wall clock (ns since the epoch) when the packet passed the hook
 * @param ifindex the interface whose hook saw the packet
 * @param start the payload begins with a ClientHello or ServerHello record: the flow direction starts here
 * @param truncated handshake bytes of the packet after this chunk were not captured (budget or limits)
 */
public record TlsChunk(
    long capturedEpochNs,
    int ifindex,
    Direction direction,
    InetAddress src,
    int srcPort,
    InetAddress dst,
    int dstPort,
    long seq,
    boolean start,
    boolean truncated,
    byte[] payload) {

  /** Which hook saw the packet: INGRESS received by the interface, EGRESS sent by it. */
  public enum Direction { INGRESS, EGRESS }

  public TlsChunk {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(payload, "payload");
    if ((src instanceof Inet4Address) != (dst instanceof Inet4Address)) {
      throw new IllegalArgumentException("src " + src + " and dst " + dst + " are of different families");
    }
    if (srcPort < 0 || srcPort > 0xffff || dstPort < 0 || dstPort > 0xffff) {
      throw new IllegalArgumentException("srcPort and dstPort must be in [0, 65535], got " + srcPort + ", "
          + dstPort);
    }
    if (seq < 0 || seq > 0xffffffffL) {
      throw new IllegalArgumentException("seq must be a u32, got " + seq);
    }
  }

  /** TCP sequence number just past the last payload byte (mod 2^32). */
  public long endSeq() {
    return (seq + payload.length) & 0xffffffffL;
  }
}
