package io.k8spacket.standalone.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client side of the demo's traffic: connections opened on a pod's threads (so from the pod's address), plain
 * or TLS with a chosen version and SNI, ended cleanly or with a reset, and long-lived connections that stay open
 * across rounds. A failing round is logged (the first time, then every 100th) and the loop goes on.
 */
final class DemoTraffic {
  private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 20_000;
  private static final Map<String, AtomicLong> FAILURES = new ConcurrentHashMap<>();

  /** One round of a traffic loop. */
  interface Round {
    void run() throws Exception;
  }

  /** How a connection ends. */
  enum Close { NORMAL, RESET }

  private DemoTraffic() {}

  static void runRound(String pod, String what, Round round) {
    try {
      round.run();
    } catch (Exception e) {
      long n = FAILURES.computeIfAbsent(pod + " " + what, k -> new AtomicLong()).incrementAndGet();
      if (n == 1 || n % 100 == 0) {
        LOG.warn("demo traffic {} {}: {} (failure {})", pod, what, e.toString(), n);
      }
    }
  }

  /** One plain connection: {@code exchanges} request/response pairs of random sizes, then the chosen close. */
  static void plain(InetAddress server, int port, int exchanges, int maxRequest, int maxResponse, Close close)
      throws IOException {
    Socket socket = connect(new Socket(), server, port);
    converse(socket, exchanges, maxRequest, maxResponse, close);
  }

  /** One TLS connection with {@code protocol} (TLSv1.2, TLSv1.3) and SNI {@code serverName}. */
  static void tls(SSLContext context, InetAddress server, int port, String serverName, String protocol,
      int exchanges, int maxRequest, int maxResponse, Close close) throws IOException {
    SSLSocket socket = (SSLSocket) connect(context.getSocketFactory().createSocket(), server, port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    parameters.setProtocols(new String[] {protocol});
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    converse(socket, exchanges, maxRequest, maxResponse, close);
  }

  /** A connection attempt where nothing listens: refused, never established. */
  static void refused(InetAddress server, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(server, port), CONNECT_TIMEOUT_MS);
    } catch (IOException expected) {
      return;
    }
    LOG.debug("demo: {}:{} accepted a connection meant to be refused", server.getHostAddress(), port);
  }

  private static Socket connect(Socket socket, InetAddress server, int port) throws IOException {
    try {
      socket.connect(new InetSocketAddress(server, port), CONNECT_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static void converse(Socket socket, int exchanges, int maxRequest, int maxResponse, Close close)
      throws IOException {
    try {
      for (int i = 0; i < exchanges; i++) {
        Exchange.request(socket, size(maxRequest), size(maxResponse));
      }
      if (close == Close.RESET) {
        socket.setSoLinger(true, 0); // close sends RST instead of FIN
      }
    } finally {
      socket.close();
    }
  }

  /** A random size between a quarter of {@code max} and {@code max}. */
  static int size(int max) {
    return max <= 4 ? max : ThreadLocalRandom.current().nextInt(max / 4, max + 1);
  }

  /**
   * A connection kept open across rounds (a connection pool, a cache client): each round makes one exchange;
   * after {@code reopenAfterMs} it is closed cleanly and a new one opened, so it is also counted as closed.
   */
  static final class LongLived implements AutoCloseable {
    private final InetAddress server;
    private final int port;
    private final long reopenAfterMs;
    private Socket socket;
    private long openedMs;

    LongLived(InetAddress server, int port, long reopenAfterMs) {
      this.server = server;
      this.port = port;
      this.reopenAfterMs = reopenAfterMs;
    }

    /** Runs on the client pod's thread: opens when needed, then one exchange. */
    synchronized void round(int maxRequest, int maxResponse) throws IOException {
      long now = System.currentTimeMillis();
      if (socket != null && now - openedMs >= reopenAfterMs) {
        close();
      }
      if (socket == null) {
        socket = connect(new Socket(), server, port);
        openedMs = now;
      }
      try {
        Exchange.request(socket, size(maxRequest), size(maxResponse));
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    @Override
    public synchronized void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          LOG.debug("demo: closing a long-lived connection: {}", e.toString());
        }
        socket = null;
      }
    }
  }
}
