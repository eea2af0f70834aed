package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import java.util.Objects;

/** Turns domain records into the Avro values of the agent's topics; the only place that knows both. */
public final class AvroMapper {
  private final String node;

  /** A mapper stamping {@code node} (the observing host) into every event. */
  public AvroMapper(String node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  /** The Kafka record key of a connection: its client IP as text. */
  public static String key(TcpConnection connection) {
    return IpText.format(connection.client());
  }

  /** The {@code k8spacket.tcp.v1} value of a connection. */
  public TcpConnectionEvent toAvro(TcpConnection c) {
    return TcpConnectionEvent.newBuilder()
        .setFamily(c.family() == TcpConnection.AddressFamily.IPV4 ? AddressFamily.IPV4 : AddressFamily.IPV6)
        .setClientIp(IpText.format(c.client()))
        .setClientPort(c.clientPort())
        .setServerIp(IpText.format(c.server()))
        .setServerPort(c.serverPort())
        .setObserver(c.observer() == TcpConnection.Observer.CLIENT ? Observer.CLIENT : Observer.SERVER)
        .setNode(node)
        .setNetnsCookie(c.netnsCookie())
        .setNetnsInode(c.netnsInode())
        .setBytesClientToServer(c.bytesClientToServer())
        .setBytesServerToClient(c.bytesServerToClient())
        .setSegmentsClientToServer(c.segmentsClientToServer())
        .setSegmentsServerToClient(c.segmentsServerToClient())
        .setRetransmits(c.retransmits())
        .setSrttMicros(c.srttMicros())
        .setOpenTimeNs(c.openEpochNs())
        .setCloseTimeNs(c.closeEpochNs())
        .setCloseKind(switch (c.closeKind()) {
          case NORMAL -> CloseKind.NORMAL;
          case RESET -> CloseKind.RESET;
          case NEVER_ESTABLISHED -> CloseKind.NEVER_ESTABLISHED;
          case OPEN -> CloseKind.OPEN;
        })
        .build();
  }
}
