package io.k8spacket.testsupport.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP connection between two {@link TestHost}s that stays open while a test drives it: each
 * {@link #exchange} sends exactly the given bytes each way and returns once both were read, so the running
 * totals are exact at every step; {@link #close} ends it with FINs (client first). For long-lived connection
 * tests: bytes reported while it is open must add up to {@link #clientSent()} and {@link #serverSent()}.
 */
public final class LiveConnection implements AutoCloseable {
  private final SocketChannel client;
  private final SocketChannel server;
  private final Traffic.Result endpoints;
  private long clientSent;
  private long serverSent;
  private boolean closed;

  private LiveConnection(SocketChannel client, SocketChannel server, Traffic.Result endpoints) {
    this.client = client;
    this.server = server;
    this.endpoints = endpoints;
  }

  /** Connects {@code client} (from its address of the same family) to a fresh listener on {@code serverAddress}. */
  public static LiveConnection open(TestHost client, TestHost server, InetAddress serverAddress) throws Exception {
    InetAddress from = serverAddress instanceof Inet4Address ? client.ipv4() : client.ipv6();
    ProtocolFamily family = Traffic.familyOf(serverAddress);
    try (ServerSocketChannel listener = server.call(() -> {
      ServerSocketChannel l = ServerSocketChannel.open(family);
      l.bind(new InetSocketAddress(serverAddress, 0));
      return l;
    })) {
      int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
      SocketChannel c = client.call(() -> {
        SocketChannel channel = SocketChannel.open(family);
        channel.bind(new InetSocketAddress(from, 0));
        channel.connect(new InetSocketAddress(serverAddress, port));
        return channel;
      });
      SocketChannel s = listener.accept();
      int clientPort = ((InetSocketAddress) c.getLocalAddress()).getPort();
      return new LiveConnection(c, s, new Traffic.Result(new InetSocketAddress(from, clientPort),
          new InetSocketAddress(serverAddress, port)));
    }
  }

  /** The client sends {@code request} bytes, the server reads them and answers {@code response} bytes. */
  public void exchange(long request, long response) throws IOException {
    Traffic.write(client, request);
    Traffic.readExactly(server, request);
    clientSent += request;
    Traffic.write(server, response);
    Traffic.readExactly(client, response);
    serverSent += response;
  }

  /** Bytes the client has sent so far (all read by the server). */
  public long clientSent() {
    return clientSent;
  }

  /** Bytes the server has sent so far (all read by the client). */
  public long serverSent() {
    return serverSent;
  }

  /** The exact endpoints. */
  public Traffic.Result endpoints() {
    return endpoints;
  }

  /** Client closes first, the server reads end-of-stream and closes; idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (server) {
      client.close();
      if (server.read(ByteBuffer.allocate(1)) != -1) {
        throw new IOException("unexpected data after the exchanges");
      }
    }
  }
}
