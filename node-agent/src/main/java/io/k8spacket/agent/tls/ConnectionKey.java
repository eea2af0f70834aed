package io.k8spacket.agent.tls;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Both directions of one TCP connection under one key: the endpoints in a fixed order (lower address bytes, then
 * lower port, first), so a chunk from either side finds the same connection. Endpoint 0 sends direction 0.
 */
record ConnectionKey(InetAddress address0, int port0, InetAddress address1, int port1) {

  static ConnectionKey of(TlsSegment segment) {
    int order = Arrays.compareUnsigned(segment.src().getAddress(), segment.dst().getAddress());
    if (order < 0 || order == 0 && segment.srcPort() <= segment.dstPort()) {
      return new ConnectionKey(segment.src(), segment.srcPort(), segment.dst(), segment.dstPort());
    }
    return new ConnectionKey(segment.dst(), segment.dstPort(), segment.src(), segment.srcPort());
  }

  /** 0 when {@code segment} was sent by endpoint 0, else 1. */
  int directionOf(TlsSegment segment) {
    return segment.srcPort() == port0 && segment.src().equals(address0) ? 0 : 1;
  }

  InetAddress address(int endpoint) {
    return endpoint == 0 ? address0 : address1;
  }

  int port(int endpoint) {
    return endpoint == 0 ? port0 : port1;
  }
}
