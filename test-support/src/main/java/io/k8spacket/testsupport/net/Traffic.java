package io.k8spacket.testsupport.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP traffic with exactly known byte counts between {@link TestHost}s, for asserting what the kernel probe
 * reports: a client sends exactly N bytes, the server reads exactly N and answers exactly M, then the connection
 * ends in a chosen way. Sockets are created inside the hosts' namespaces, bound to explicit addresses, so the
 * returned 4-tuple is exact.
 *
 * <p>Sockets are opened with the address's own family ({@code AF_INET} for IPv4, {@code AF_INET6} for IPv6)
 * unless {@code dualStack} asks for what plain {@code java.net.Socket} does: an {@code AF_INET6} socket with
 * IPv4-mapped addresses. Before a reset, every received byte is acknowledged ({@code TCP_QUICKACK}) and the
 * peer has finished reading, so the byte counts stay exact even without FINs.
 */
public final class Traffic {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** How a connection ends. */
  public enum CloseOrder {
    /** The client closes first (its FIN), the server closes after reading end-of-stream. */
    CLIENT_FIRST,
    /** The server closes first, the client after end-of-stream. */
    SERVER_FIRST,
    /** The client closes with SO_LINGER 0: a reset, no FINs. */
    CLIENT_RESET,
    /** The server closes with SO_LINGER 0. */
    SERVER_RESET
  }

  /** The connection's exact endpoints: client address and local port, server address and port. */
  public record Result(InetSocketAddress client, InetSocketAddress server) {}

  private Traffic() {}

  /** {@link #exchange(TestHost, InetAddress, TestHost, InetAddress, long, long, CloseOrder, boolean)} from the
   *  client's address of the server address's family, with family-specific sockets. */
  public static Result exchange(TestHost client, TestHost server, InetAddress serverAddress, long request,
      long response, CloseOrder order) throws Exception {
    InetAddress from = serverAddress instanceof Inet4Address ? client.ipv4() : client.ipv6();
    return exchange(client, from, server, serverAddress, request, response, order, false);
  }

  /**
   * One connection from {@code clientAddress} in {@code client} to a fresh listener on {@code serverAddress}
   * in {@code server}: the client sends {@code request} bytes, the server answers {@code response} bytes, then
   * both close in {@code order}. Returns when both sockets are closed.
   */
  public static Result exchange(TestHost client, InetAddress clientAddress, TestHost server,
      InetAddress serverAddress, long request, long response, CloseOrder order, boolean dualStack)
      throws Exception {
    ProtocolFamily family = dualStack ? StandardProtocolFamily.INET6 : familyOf(serverAddress);
    ServerSocketChannel listener = server.call(() -> {
      ServerSocketChannel l = ServerSocketChannel.open(family);
      l.bind(new InetSocketAddress(serverAddress, 0));
      return l;
    });
    int serverPort = ((InetSocketAddress) listener.getLocalAddress()).getPort();
    CountDownLatch clientDoneReading = new CountDownLatch(1);
    CountDownLatch serverDoneReading = new CountDownLatch(1);
    Future<Void> serverSide = server.submit(() -> {
      try (listener; SocketChannel s = listener.accept()) {
        readExactly(s, request);
        quickAck(s);
        serverDoneReading.countDown();
        write(s, response);
        switch (order) {
          case CLIENT_FIRST -> readToEnd(s, false);
          case SERVER_FIRST -> { }
          case CLIENT_RESET -> readToEnd(s, true);
          case SERVER_RESET -> {
            await(clientDoneReading);
            s.setOption(StandardSocketOptions.SO_LINGER, 0);
          }
        }
      }
      return null;
    });
    SocketChannel c;
    try {
      c = client.call(() -> {
        SocketChannel channel = SocketChannel.open(family);
        channel.bind(new InetSocketAddress(clientAddress, 0));
        channel.connect(new InetSocketAddress(serverAddress, serverPort));
        return channel;
      });
    } catch (Exception e) {
      listener.close();
      throw e;
    }
    int clientPort = ((InetSocketAddress) c.getLocalAddress()).getPort();
    Future<Void> clientSide = client.submit(() -> {
      try (c) {
        write(c, request);
        readExactly(c, response);
        quickAck(c);
        clientDoneReading.countDown();
        switch (order) {
          case CLIENT_FIRST -> { }
          case SERVER_FIRST -> readToEnd(c, false);
          case CLIENT_RESET -> {
            await(serverDoneReading);
            c.setOption(StandardSocketOptions.SO_LINGER, 0);
          }
          case SERVER_RESET -> readToEnd(c, true);
        }
      }
      return null;
    });
    finish(clientSide, c);
    finish(serverSide, listener);
    return new Result(new InetSocketAddress(clientAddress, clientPort),
        new InetSocketAddress(serverAddress, serverPort));
  }

  /**
   * A connection attempt from {@code client} to {@code port} on {@code serverAddress} where nothing listens:
   * refused with a reset, never established. Returns the client's exact endpoint.
   */
  public static Result refused(TestHost client, InetAddress serverAddress, int port) throws Exception {
    InetAddress from = serverAddress instanceof Inet4Address ? client.ipv4() : client.ipv6();
    return client.call(() -> {
      try (SocketChannel channel = SocketChannel.open(familyOf(serverAddress))) {
        channel.bind(new InetSocketAddress(from, 0));
        int clientPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        try {
          channel.connect(new InetSocketAddress(serverAddress, port));
        } catch (ConnectException expected) {
          return new Result(new InetSocketAddress(from, clientPort), new InetSocketAddress(serverAddress, port));
        }
        throw new IllegalStateException("connection to " + serverAddress + ":" + port + " was accepted");
      }
    });
  }

  /** A port on {@code address} in {@code host} where nothing listens right now. */
  public static int closedPort(TestHost host, InetAddress address) throws Exception {
    return host.call(() -> {
      try (ServerSocketChannel probe = ServerSocketChannel.open(familyOf(address))) {
        probe.bind(new InetSocketAddress(address, 0));
        return ((InetSocketAddress) probe.getLocalAddress()).getPort();
      }
    });
  }

  static ProtocolFamily familyOf(InetAddress address) {
    return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
  }

  static void write(SocketChannel channel, long count) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long left = count;
    while (left > 0) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), left));
      left -= channel.write(chunk);
    }
  }

  static void readExactly(SocketChannel channel, long count) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long left = count;
    while (left > 0) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), left));
      int n = channel.read(chunk);
      if (n < 0) {
        throw new IOException("end of stream with " + left + " of " + count + " bytes unread");
      }
      left -= n;
    }
  }

  /** Reads until end of stream, which must come without further data; a reset counts as the end if allowed. */
  private static void readToEnd(SocketChannel channel, boolean resetExpected) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    try {
      if (channel.read(one) != -1) {
        throw new IOException("unexpected data after the exchange");
      }
    } catch (IOException e) {
      if (!resetExpected) {
        throw e;
      }
    }
  }

  /** Sends any delayed ACK now, so the peer's byte count is final before a reset. */
  private static void quickAck(SocketChannel channel) throws IOException {
    channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
  }

  private static void await(CountDownLatch latch) throws InterruptedException, TimeoutException {
    if (!latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("peer did not finish reading in " + TIMEOUT);
    }
  }

  private static void finish(Future<Void> side, AutoCloseable onTimeout) throws Exception {
    try {
      side.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      onTimeout.close();
      side.cancel(true);
      throw new TimeoutException("traffic did not finish in " + TIMEOUT);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
