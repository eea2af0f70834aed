package io.k8spacket.query.http;

import io.javalin.config.JettyConfig;
import io.k8spacket.query.QueryApiConfig;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server-side bounds of the query API, set on Javalin's Jetty: a request line plus headers of at most
 * {@code maxHeaderBytes} (Jetty answers 414 or 431), a thread pool of {@code maxThreads} workers plus one per CPU
 * for Jetty's acceptor and selector threads, at most {@code maxConnections} open connections (further ones wait
 * in the TCP backlog), and {@link JsonErrorHandler} for the errors Jetty answers itself.
 */
public final class JettyLimits {
  /** Name prefix of the HTTP worker threads. */
  public static final String THREAD_NAME = "k8spacket-api-http";
  private static final int MIN_THREADS = 4;
  private static final int IDLE_THREAD_MS = 60_000;

  private JettyLimits() {}

  public static void apply(JettyConfig jetty, QueryApiConfig config) {
    QueuedThreadPool pool = new QueuedThreadPool(config.maxThreads() + Runtime.getRuntime().availableProcessors(),
        MIN_THREADS, IDLE_THREAD_MS);
    pool.setName(THREAD_NAME);
    jetty.threadPool = pool;
    jetty.modifyHttpConfiguration(http -> {
      http.setRequestHeaderSize(config.maxHeaderBytes());
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
    });
    jetty.modifyServer(server -> {
      server.setErrorHandler(new JsonErrorHandler());
      server.addBean(new NetworkConnectionLimit(config.maxConnections(), server));
    });
  }
}
