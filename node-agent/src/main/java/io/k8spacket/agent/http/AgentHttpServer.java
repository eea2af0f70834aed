package io.k8spacket.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.k8spacket.agent.metrics.AgentMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} (Prometheus text) and {@code /healthz} (200 while the probe is attached and the reader is
 * reading, 503 otherwise) on the JDK's own HTTP server: two fixed endpoints do not justify a web framework in
 * a privileged DaemonSet.
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private boolean closed;

  private AgentHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves on all addresses at {@code port} (0 = any free port; see {@link #port()}). */
  public static AgentHttpServer start(int port, AgentMetrics metrics, BooleanSupplier healthy) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
      server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, metrics.scrape()));
      server.createContext("/healthz", exchange -> {
        boolean ok = healthy.getAsBoolean();
        respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not reading\n");
      });
      ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "k8spacket-agent-http");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.start();
      return new AgentHttpServer(server, executor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve /metrics on port " + port, e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
        status = 404;
        body = "not found\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving; idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
