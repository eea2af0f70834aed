package io.k8spacket.agent.event;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One finished TCP connection as seen by one of its sockets, oriented client (sent the SYN) to server, with
 * application byte counts (SYN and FIN taken out by the probe) and wall-clock times. The domain form of
 * {@code struct k8sp_tcp_event}; the pipeline and the Avro mapper use only this.
 *
 * @param openEpochNs wall clock (ns since the epoch) of SYN sent (client) or SYN received (server)
 * @param closeEpochNs wall clock (ns since the epoch) of the close
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
    long closeEpochNs) {

  /** IP version; IPv4-mapped IPv6 connections are IPv4. */
  public enum AddressFamily { IPV4, IPV6 }

  /** Which socket observed the connection: CLIENT sent the SYN, SERVER was accepted from a listener. */
  public enum Observer { CLIENT, SERVER }

  /** NORMAL: our FIN and no error; RESET: reset or aborted; NEVER_ESTABLISHED: the handshake failed. */
  public enum CloseKind { NORMAL, RESET, NEVER_ESTABLISHED }

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

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
    }
  }
}
