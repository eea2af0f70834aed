package io.k8spacket.streams.topology;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import java.time.Instant;

/** Literal test values: events and metadata, times in ms since the epoch. */
public final class Fixtures {
  /** A minute boundary: windows of 1 minute start here. */
  public static final long T0 = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();

  private Fixtures() {}

  /** A NORMAL close observed by {@code observer}, open and close in ms (stored in ns). */
  public static TcpConnectionEvent event(Observer observer, String clientIp, int clientPort, String serverIp,
      int serverPort, long openMs, long closeMs, long bytesC2s, long bytesS2c) {
    return event(observer, clientIp, clientPort, serverIp, serverPort, openMs, closeMs, bytesC2s, bytesS2c,
        CloseKind.NORMAL);
  }

  public static TcpConnectionEvent event(Observer observer, String clientIp, int clientPort, String serverIp,
      int serverPort, long openMs, long closeMs, long bytesC2s, long bytesS2c, CloseKind closeKind) {
    return TcpConnectionEvent.newBuilder()
        .setFamily(AddressFamily.IPV4)
        .setClientIp(clientIp).setClientPort(clientPort)
        .setServerIp(serverIp).setServerPort(serverPort)
        .setObserver(observer)
        .setNode("node-1")
        .setNetnsCookie(observer == Observer.CLIENT ? 11 : 22)
        .setNetnsInode(4026531840L)
        .setBytesClientToServer(bytesC2s).setBytesServerToClient(bytesS2c)
        .setSegmentsClientToServer(3).setSegmentsServerToClient(4)
        .setRetransmits(0).setSrttMicros(120)
        .setOpenTimeNs(openMs * 1_000_000L).setCloseTimeNs(closeMs * 1_000_000L)
        .setCloseKind(closeKind)
        .build();
  }

  /** A Service's metadata (cluster IP), seen at {@code changedAtMs}. */
  public static EndpointMetadata service(String ip, String name, String namespace, long changedAtMs) {
    return new EndpointMetadata(ip, name, namespace, name, "Service", EndpointKind.SERVICE, null, changedAtMs);
  }

  /** A pod's metadata, seen at {@code changedAtMs}. */
  public static EndpointMetadata pod(String ip, String name, String namespace, String workload, long changedAtMs) {
    return new EndpointMetadata(ip, name, namespace, workload, "Deployment", EndpointKind.POD, "node-1",
        changedAtMs);
  }
}
