package io.k8spacket.streams.topology;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.TcpConnectionEvent;
import java.util.Objects;

/** The joiners and keys of the topology: naming endpoints from metadata and choosing record keys. */
public final class Enrichment {
  private Enrichment() {}

  /** An endpoint named by its metadata as of the event time, or by its IP when there is none. */
  public static Endpoint endpoint(String ip, EndpointMetadata metadata) {
    if (metadata == null) {
      return new Endpoint(ip, ip, null, null, null, EndpointKind.UNKNOWN, null);
    }
    return new Endpoint(ip, metadata.getName(), metadata.getNamespace(), metadata.getWorkload(),
        metadata.getWorkloadKind(), metadata.getKind(), metadata.getNode());
  }

  /** One observation as a connection with its client named; the server is named by IP until the second join. */
  public static Connection withClient(TcpConnectionEvent e, EndpointMetadata clientMetadata) {
    return Connection.newBuilder()
        .setClient(endpoint(e.getClientIp(), clientMetadata))
        .setClientPort(e.getClientPort())
        .setServer(endpoint(e.getServerIp(), null))
        .setServerPort(e.getServerPort())
        .setFamily(e.getFamily())
        .setObserver(e.getObserver())
        .setNode(e.getNode())
        .setBytesClientToServer(e.getBytesClientToServer())
        .setBytesServerToClient(e.getBytesServerToClient())
        .setSegmentsClientToServer(e.getSegmentsClientToServer())
        .setSegmentsServerToClient(e.getSegmentsServerToClient())
        .setRetransmits(e.getRetransmits())
        .setSrttMicros(e.getSrttMicros())
        .setOpenTimeNs(e.getOpenTimeNs())
        .setCloseTimeNs(e.getCloseTimeNs())
        .setCloseKind(e.getCloseKind())
        .build();
  }

  /** The connection with its server named as of the event time. */
  public static Connection withServer(Connection c, EndpointMetadata serverMetadata) {
    return Connection.newBuilder(c).setServer(endpoint(c.getServer().getIp(), serverMetadata)).build();
  }

  /**
   * The connection with a server that has no metadata named by {@code serverName}, the SNI last seen for its
   * IP as of the close time (null when none): {@code 93.184.216.34} becomes {@code example.org}. A server with
   * metadata keeps its name.
   */
  public static Connection withServerName(Connection c, String serverName) {
    return serverName == null || !namedByIp(c.getServer()) ? c
        : Connection.newBuilder(c).setServer(external(c.getServer().getIp(), serverName)).build();
  }

  /**
   * An endpoint without metadata named from outside the cluster (an SNI or a PTR name): {@code ip} as is,
   * {@code name} given, kind still UNKNOWN (so grouping, keys and metrics still treat it as external, by IP).
   */
  public static Endpoint external(String ip, String name) {
    return new Endpoint(ip, name, null, null, null, EndpointKind.UNKNOWN, null);
  }

  /** True for an endpoint without metadata that no SNI or PTR name has named yet. */
  public static boolean namedByIp(Endpoint e) {
    return e.getKind() == EndpointKind.UNKNOWN && e.getName().equals(e.getIp());
  }

  /** Repartition key of count-once: the client IP, shared by both sockets' observations. */
  public static String clientIp(String serverIp, Connection c) {
    return c.getClient().getIp();
  }

  /** Repartition key of the server-side join. */
  public static String serverIp(String clientIp, Connection c) {
    return c.getServer().getIp();
  }

  /** Key of the connections topic: {@code namespace/workload}, the workload or name alone, or the IP. */
  public static String clientWorkloadKey(String serverIp, Connection c) {
    return workloadKey(c.getClient());
  }

  /** An endpoint's workload: {@code namespace/workload}, the workload or name alone, or the IP when unknown. */
  public static String workloadKey(Endpoint e) {
    if (e.getKind() == EndpointKind.UNKNOWN) {
      return e.getIp();
    }
    String workload = Objects.requireNonNullElse(e.getWorkload(), e.getName());
    return e.getNamespace() == null ? workload : e.getNamespace() + "/" + workload;
  }

  /**
   * Key of the edge store: both endpoints' identity (IP, name, namespace, workload), so the query layer can
   * still group by IP, pod, workload or namespace, and the Service's when the client connected to a ClusterIP,
   * so edges through a Service and direct ones stay apart. Examples:
   * {@code 10.0.0.1|web-1|shop|web>10.0.0.2|db-0|shop|db} (direct) and
   * {@code 10.0.1.5|shop-1|shop|shop>10.0.2.7|api-1|shop|api>10.96.0.10|api|shop|api} (through Service api).
   */
  public static String edgeKey(String serverIp, Connection c) {
    String direct = identity(c.getClient()) + ">" + identity(c.getServer());
    return c.getService() == null ? direct : direct + ">" + identity(c.getService());
  }

  /** {@code ip|name|namespace|workload}: one side of an edge key. */
  static String identity(Endpoint e) {
    return e.getIp() + "|" + e.getName() + "|" + Objects.toString(e.getNamespace(), "") + "|"
        + Objects.toString(e.getWorkload(), "");
  }
}
