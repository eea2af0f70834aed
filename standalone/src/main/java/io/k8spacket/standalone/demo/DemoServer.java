package io.k8spacket.standalone.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server inside a demo pod, listening on every address of the pod (IPv4 and IPv6) and answering the
 * {@link Exchange} protocol, over plain TCP or over TLS with the given protocol versions.
 */
final class DemoServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);
  private static final int READ_TIMEOUT_MS = 10 * 60_000;

  private final DemoPod pod;
  private final ServerSocket listener;

  private DemoServer(DemoPod pod, ServerSocket listener) {
    this.pod = pod;
    this.listener = listener;
  }

  /** A plain TCP server on {@code port} in {@code pod}. */
  static DemoServer plain(DemoPod pod, int port) throws Exception {
    return start(pod, pod.call(() -> {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port), 128);
      return socket;
    }));
  }

  /** A TLS server on {@code port} in {@code pod} that accepts only {@code protocols} (e.g. TLSv1.2). */
  static DemoServer tls(DemoPod pod, int port, SSLContext context, String... protocols) throws Exception {
    return start(pod, pod.call(() -> {
      SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port), 128);
      socket.setEnabledProtocols(protocols);
      return socket;
    }));
  }

  private static DemoServer start(DemoPod pod, ServerSocket listener) {
    DemoServer server = new DemoServer(pod, listener);
    pod.submit(() -> {
      server.acceptLoop();
      return null;
    });
    return server;
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        pod.submit(() -> {
          handle(socket);
          return null;
        });
      } catch (IOException e) {
        if (!listener.isClosed()) {
          LOG.debug("{}: accept failed: {}", pod.id(), e.toString());
        }
      }
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      Exchange.serve(socket);
    } catch (SocketException e) {
      LOG.trace("{}: connection ended: {}", pod.id(), e.toString()); // resets are part of the demo
    } catch (IOException e) {
      LOG.debug("{}: connection failed: {}", pod.id(), e.toString());
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      LOG.debug("{}: closing the listener: {}", pod.id(), e.toString());
    }
  }
}
