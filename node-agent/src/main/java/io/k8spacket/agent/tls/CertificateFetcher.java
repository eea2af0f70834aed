package io.k8spacket.agent.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in active fetch of certificate chains that TLS 1.3 hides: connects to (server IP, port) with the SNI the
 * client used, completes a handshake (trusting anything: we only read the chain, nothing is sent) and returns the
 * chain. At most one fetch per (server, port, SNI) per period, remembered in a bounded map; fetches run on a
 * small bounded pool so the reader thread never blocks; results wait in a queue for {@link #drain} on the reader
 * thread. A failed fetch is logged once and counted.
 */
public final class CertificateFetcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateFetcher.class);
  private static final int THREADS = 2;
  private static final int QUEUED = 64;
  private static final int REMEMBERED = 10_000;

  /** How a chain is obtained; {@link #tlsHandshake} in production, a fake in tests. */
  @FunctionalInterface
  public interface ChainSource {
    List<X509Certificate> fetch(InetSocketAddress server, String sni, Duration timeout) throws Exception;
  }

  /** A fetched chain, leaf first, summarised. */
  public record Result(InetAddress server, int port, String sni, long completedAtNs,
                       List<CertificateSummary> chain) {}

  private record Endpoint(InetAddress server, int port, String sni) {}

  private final long periodNs;
  private final Duration timeout;
  private final ChainSource source;
  private final ThreadPoolExecutor pool;
  private final Queue<Result> results = new ConcurrentLinkedQueue<>();
  private final Map<Endpoint, Long> lastRequestNs = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Endpoint, Long> eldest) {
      return size() > REMEMBERED;
    }
  };
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  public CertificateFetcher(Duration period, Duration timeout, ChainSource source) {
    this.periodNs = period.toNanos();
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.source = Objects.requireNonNull(source, "source");
    AtomicInteger threadNumber = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
        task -> {
          Thread thread = new Thread(task, "k8spacket-tls-fetch-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    this.pool.allowCoreThreadTimeOut(true);
  }

  /** The production fetcher: a real TLS handshake with the JDK's {@link SSLSocket}. */
  public static CertificateFetcher create(Duration period, Duration timeout) {
    return new CertificateFetcher(period, timeout, CertificateFetcher::tlsHandshake);
  }

  /**
   * Starts a fetch unless one for the same (server, port, SNI) started within the period. Reader thread only.
   *
   * @return whether a fetch was started
   */
  public boolean request(InetAddress server, int port, String sni, long nowNs) {
    Endpoint endpoint = new Endpoint(server, port, sni.toLowerCase(Locale.ROOT));
    Long last = lastRequestNs.get(endpoint);
    if (last != null && nowNs - last < periodNs) {
      skipped.incrementAndGet();
      return false;
    }
    lastRequestNs.remove(endpoint); // re-insert so the map's order stays oldest-request first
    lastRequestNs.put(endpoint, nowNs);
    try {
      pool.execute(() -> fetch(endpoint));
    } catch (RejectedExecutionException e) {
      lastRequestNs.remove(endpoint); // try again on the next handshake
      skipped.incrementAndGet();
      return false;
    }
    started.incrementAndGet();
    return true;
  }

  /** Hands finished fetches to {@code consumer} on the calling (reader) thread; returns how many. */
  public int drain(Consumer<Result> consumer) {
    int count = 0;
    for (Result result = results.poll(); result != null; result = results.poll()) {
      consumer.accept(result);
      count++;
    }
    return count;
  }

  public long started() {
    return started.get();
  }

  public long succeeded() {
    return succeeded.get();
  }

  public long failed() {
    return failed.get();
  }

  public long skipped() {
    return skipped.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private void fetch(Endpoint endpoint) {
    try {
      List<X509Certificate> chain = source.fetch(new InetSocketAddress(endpoint.server(), endpoint.port()),
          endpoint.sni(), timeout);
      List<CertificateSummary> summaries = new ArrayList<>(chain.size());
      for (X509Certificate certificate : chain) {
        summaries.add(CertificateParser.summarize(certificate));
      }
      Instant now = Instant.now();
      results.add(new Result(endpoint.server(), endpoint.port(), endpoint.sni(),
          now.getEpochSecond() * 1_000_000_000L + now.getNano(), summaries));
      succeeded.incrementAndGet();
    } catch (Exception e) {
      failed.incrementAndGet();
      LOG.info("TLS certificate fetch from {}:{} with SNI {} failed: {}", endpoint.server().getHostAddress(),
          endpoint.port(), endpoint.sni(), e.toString());
    }
  }

  /** Connects, sends a ClientHello with {@code sni}, and returns the chain the server presented. */
  static List<X509Certificate> tlsHandshake(InetSocketAddress server, String sni, Duration timeout)
      throws IOException, GeneralSecurityException {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (Socket raw = new Socket()) {
      raw.connect(server, millis);
      raw.setSoTimeout(millis);
      try (SSLSocket tls = (SSLSocket) TrustAll.CONTEXT.getSocketFactory()
          .createSocket(raw, sni, server.getPort(), false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        parameters.setEndpointIdentificationAlgorithm(null);
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : tls.getSession().getPeerCertificates()) {
          if (certificate instanceof X509Certificate x509) {
            chain.add(x509);
          }
        }
        return chain;
      }
    }
  }

  /** An SSLContext that accepts any chain: the fetch reads certificates, it does not trust them. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    static final SSLContext CONTEXT = context();

    private static SSLContext context() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        return context;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no TLS", e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
