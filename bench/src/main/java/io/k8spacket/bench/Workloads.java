package io.k8spacket.bench;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The synthetic cluster every Kafka-side benchmark uses: {@code W} workloads with one pod each (pod {@code w}
 * has IP {@code 10.100.(w / 200).(w % 200 + 1)}, namespace {@code ns-(w % 20)}, workload {@code wl-w}) and
 * {@code 10 W} edges: edge {@code e} goes from pod {@code e % W} to pod {@code (e % W + 1 + 37 (e / W)) % W}, so
 * each pod calls ten distinct others. Events, connections and metadata are built from these.
 */
public final class Workloads {
  /** Edges per client workload. */
  public static final int FAN_OUT = 10;

  private final int workloads;

  public Workloads(int workloads) {
    if (workloads < 40 || workloads > 40_000) {
      throw new IllegalArgumentException("workloads must be in [40, 40000], got " + workloads);
    }
    this.workloads = workloads;
  }

  public int edges() {
    return workloads * FAN_OUT;
  }

  public int client(int edge) {
    return edge % workloads;
  }

  public int server(int edge) {
    return (edge % workloads + 1 + 37 * (edge / workloads % FAN_OUT)) % workloads;
  }

  public static String ip(int w) {
    return "10.100." + (w / 200) + "." + (w % 200 + 1);
  }

  public static byte[] ipBytes(int w) {
    return new byte[] {10, 100, (byte) (w / 200), (byte) (w % 200 + 1)};
  }

  public static Endpoint endpoint(int w) {
    return Endpoint.newBuilder().setIp(ip(w)).setName("wl-" + w + "-7d9f4-abcde").setNamespace("ns-" + (w % 20))
        .setWorkload("wl-" + w).setWorkloadKind("Deployment").setKind(EndpointKind.POD).setNode("node-" + (w % 8))
        .build();
  }

  public static EndpointMetadata metadata(int w, long changedAtMs) {
    Endpoint e = endpoint(w);
    return EndpointMetadata.newBuilder().setIp(e.getIp()).setName(e.getName()).setNamespace(e.getNamespace())
        .setWorkload(e.getWorkload()).setWorkloadKind(e.getWorkloadKind()).setKind(e.getKind()).setNode(e.getNode())
        .setChangedAtMs(changedAtMs).build();
  }

  /** The agent's raw event for connection {@code i} of {@code edge}, as the client socket saw it. */
  public TcpConnectionEvent event(int edge, int i, Observer observer, long closeMs) {
    long closeNs = closeMs * 1_000_000L;
    return TcpConnectionEvent.newBuilder().setFamily(AddressFamily.IPV4).setClientIp(ip(client(edge)))
        .setClientPort(port(i)).setServerIp(ip(server(edge))).setServerPort(8080).setObserver(observer)
        .setNode("node-" + (client(edge) % 8)).setNetnsCookie(4096 + client(edge)).setNetnsInode(4026531840L)
        .setBytesClientToServer(100 + i % 1000).setBytesServerToClient(2000 + i % 5000).setSegmentsClientToServer(3)
        .setSegmentsServerToClient(4).setRetransmits(0).setSrttMicros(50).setOpenTimeNs(closeNs - 25_000_000L)
        .setCloseTimeNs(closeNs).setCloseKind(CloseKind.NORMAL).build();
  }

  /** The enriched, counted connection the topology hands to the edge aggregation. */
  public Connection connection(int edge, int i, long closeMs) {
    long closeNs = closeMs * 1_000_000L;
    return Connection.newBuilder().setClient(endpoint(client(edge))).setClientPort(port(i))
        .setServer(endpoint(server(edge))).setServerPort(8080).setFamily(AddressFamily.IPV4)
        .setObserver(Observer.CLIENT).setNode("node-" + (client(edge) % 8)).setBytesClientToServer(100 + i % 1000)
        .setBytesServerToClient(2000 + i % 5000).setSegmentsClientToServer(3).setSegmentsServerToClient(4)
        .setRetransmits(0).setSrttMicros(50).setOpenTimeNs(closeNs - 25_000_000L).setCloseTimeNs(closeNs)
        .setCloseKind(CloseKind.NORMAL).setService(null).setServicePort(null).build();
  }

  static int port(int i) {
    return 20_000 + Math.floorMod(i, 40_000);
  }

  /**
   * {@code count} raw {@code struct k8sp_tcp_event} records (bpf/include/k8spacket.h), 104 bytes each at a
   * stride of 112 (the ring's 8-byte header kept as a gap), in the host's byte order: client sockets, normal
   * closes, cycling over the edges.
   */
  public ByteBuffer rawEvents(int count, long bootNs) {
    ByteBuffer b = ByteBuffer.allocateDirect(count * 112).order(ByteOrder.nativeOrder());
    for (int i = 0; i < count; i++) {
      int at = i * 112;
      int edge = i % edges();
      b.putLong(at, bootNs - 25_000_000L + i);         // open_ns
      b.putLong(at + 8, bootNs + i);                   // close_ns
      b.putLong(at + 16, 4096 + client(edge));         // netns_cookie
      b.putLong(at + 24, 100 + i % 1000);              // bytes_c2s
      b.putLong(at + 32, 2000 + i % 5000);             // bytes_s2c
      b.put(at + 40, ipBytes(client(edge)));           // client_addr (rest zero)
      b.put(at + 56, ipBytes(server(edge)));           // server_addr
      b.putInt(at + 72, 3);                            // segs_c2s
      b.putInt(at + 76, 4);                            // segs_s2c
      b.putInt(at + 80, 0);                            // retransmits
      b.putInt(at + 84, 50);                           // srtt_us
      b.putInt(at + 88, (int) 4026531840L);            // netns_ino
      b.putShort(at + 92, (short) port(i));            // client_port
      b.putShort(at + 94, (short) 8080);               // server_port
      b.putShort(at + 96, (short) 2);                  // family AF_INET
      b.put(at + 98, (byte) 1);                        // observer CLIENT
      b.put(at + 99, (byte) 1);                        // close_kind NORMAL
    }
    return b;
  }
}
