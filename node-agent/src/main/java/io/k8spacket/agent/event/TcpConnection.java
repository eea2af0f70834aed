package io.k8spacket.agent.event;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One TCP connection as seen by one of its sockets, oriented client (sent the SYN) to server, with
 * application byte counts (SYN and FIN taken out by the probe) and wall-clock times: closed, or still open
 * ({@link CloseKind#OPEN}, a progress report). The domain form of {@code struct k8sp_tcp_event}; the pipeline and
 * the Avro mapper use only this. Counters are the socket's totals since open as the kernel reports them, or,
 * after the pipeline's accounting ({@code ProgressLedger}), deltas ({@link #withCounters}).
 *
 * @param openEpochNs wall clock (ns since the epoch) of SYN sent (client) or SYN received (server)
 * @param closeEpochNs wall clock (ns since the epoch) of the close, or of the report when open
 * @param openBootNs the kernel's CLOCK_BOOTTIME open time: with the endpoints and the namespace, the identity of
 *     the socket across its reports (the wall-clock conversion may shift by microseconds between reads)
 */
public record TcpConnection(
    AddressFamily family,
    InetAddress client,
    int clientPort,
    InetAddress server,
    int serverPort,
    Observer observer,
    CloseKind closeKind,
    long bytesClientToServer,
    long bytesServerToClient,
    long segmentsClientToServer,
    long segmentsServerToClient,
    long retransmits,
    long srttMicros,
    long netnsCookie,
    long netnsInode,
    long openEpochNs,
    long closeEpochNs,
    long openBootNs) {

  /** IP version; IPv4-mapped IPv6 connections are IPv4. */
  public enum AddressFamily { IPV4, IPV6 }

  /** Which socket observed the connection: CLIENT sent the SYN, SERVER was accepted from a listener. */
  public enum Observer { CLIENT, SERVER }

  /**
   * NORMAL: our FIN and no error; RESET: reset or aborted; NEVER_ESTABLISHED: the handshake failed; OPEN: not
   * closed, a progress report.
   */
  public enum CloseKind { NORMAL, RESET, NEVER_ESTABLISHED, OPEN }

  public TcpConnection {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(observer, "observer");
    Objects.requireNonNull(closeKind, "closeKind");
    if ((client instanceof Inet4Address) != (family == AddressFamily.IPV4)
        || (server instanceof Inet4Address) != (family == AddressFamily.IPV4)) {
      throw new IllegalArgumentException("family " + family + " does not match client " + client + " and server "
          + server);
    }
    checkPort("clientPort", clientPort);
    checkPort("serverPort", serverPort);
  }

  /** The same observation with other counters (bytes, segments, retransmits); everything else kept. */
  public TcpConnection withCounters(long bytesC2s, long bytesS2c, long segsC2s, long segsS2c, long retrans) {
    return new TcpConnection(family, client, clientPort, server, serverPort, observer, closeKind, bytesC2s, bytesS2c,
        segsC2s, segsS2c, retrans, srttMicros, netnsCookie, netnsInode, openEpochNs, closeEpochNs, openBootNs);
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
    }
  }
}
