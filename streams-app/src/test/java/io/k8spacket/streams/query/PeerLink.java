package io.k8spacket.streams.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The network between an instance and its peers, as a TCP relay on a port of its own: an instance advertises the
 * relay's port as its {@code application.server}, so its peers reach it only through here, while the test talks
 * to its real port. The relay forwards, refuses (nothing listens), or hangs (accepts and never answers), and
 * each change drops the connections already open, so pooled keep-alive connections cannot bypass it.
 */
final class PeerLink implements AutoCloseable {
  enum Mode { FORWARD, HANG }

  private final int port;
  private final int target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.FORWARD;
  private volatile ServerSocket listener;

  /** A relay on {@code port} to {@code 127.0.0.1:target}, forwarding. */
  PeerLink(int port, int target) throws IOException {
    this.port = port;
    this.target = target;
    listen();
  }

  int port() {
    return port;
  }

  /** Forwards again (listening again if it refused). */
  synchronized void forward() throws IOException {
    mode = Mode.FORWARD;
    dropConnections();
    listen();
  }

  /** Stops listening: peers get "connection refused". */
  synchronized void refuse() throws IOException {
    ServerSocket l = listener;
    listener = null;
    if (l != null) {
      l.close();
    }
    dropConnections();
  }

  /** Accepts connections and never answers: peers time out. */
  synchronized void hang() throws IOException {
    mode = Mode.HANG;
    dropConnections();
    listen();
  }

  private void listen() throws IOException {
    if (listener != null) {
      return;
    }
    ServerSocket l = new ServerSocket();
    l.setReuseAddress(true);
    l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    listener = l;
    Thread acceptor = new Thread(() -> accept(l), "peer-link-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket l) {
    while (!l.isClosed()) {
      try {
        Socket in = l.accept();
        open.add(in);
        if (mode == Mode.FORWARD) {
          Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
          open.add(out);
          pump(in, out);
          pump(out, in);
        } // HANG: keep the socket open, read nothing, answer nothing
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed: the pair is done
      } finally {
        close(from);
        close(to);
      }
    }, "peer-link-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void dropConnections() {
    for (Socket s : open) {
      close(s);
    }
    open.clear();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    refuse();
  }
}
