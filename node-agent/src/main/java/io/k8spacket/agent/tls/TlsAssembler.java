package io.k8spacket.agent.tls;

import io.k8spacket.avro.TlsHandshakeEvent;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the kernel's TLS handshake chunks into one {@link TlsHandshakeEvent} per handshake. Single-threaded: the
 * agent's reader thread calls {@link #accept} for every chunk and {@link #expire} once per poll; events go to
 * {@code out} on that thread. {@link #stats()} may be read from any thread.
 *
 * <p>Worked example (TLS 1.2, client 10.0.0.1:40000, server 10.0.0.2:443): chunk {@code seq=1000, 517 bytes}
 * from the client starts a ClientHello record and anchors the client direction; it parses at once. The server's
 * chunks {@code seq=7000, 2896 bytes} and {@code seq=9896, 1371 bytes} arrive in either order, possibly twice;
 * the first starts the ServerHello record and anchors the server direction, the second completes the Certificate
 * message spanning both, and the assembler emits one event: client 10.0.0.1:40000, server 10.0.0.2:443, the
 * ClientHello, the ServerHello, certificateSource HANDSHAKE and the chain leaf first. Had the server chosen
 * TLS 1.3, the event would have gone out right after the ServerHello with certificateSource NONE (and, with
 * active fetch on, a CERTIFICATE_FETCH event would follow from a later {@code expire}).
 *
 * <p>Bounds: see {@link TlsAssemblerConfig}; the oldest connections are evicted first, counted in
 * {@link TlsAssemblerStats#flowsEvicted()}.
 */
public final class TlsAssembler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsAssembler.class);
  private static final ParseErrorKind[] KINDS = ParseErrorKind.values();

  private final TlsAssemblerConfig config;
  private final String nodeName;
  private final Consumer<TlsHandshakeEvent> out;
  private final CertificateFetcher fetcher;
  private final long timeoutNs;
  private final LinkedHashMap<ConnectionKey, TlsFlow> flows = new LinkedHashMap<>();
  private final CertificateParser certificates = new CertificateParser();
  private final DirectionStream.Tally tally = new DirectionStream.Tally();
  private final AtomicLongArray parseErrors = new AtomicLongArray(KINDS.length);
  private final TlsFlow.Context context = new TlsFlow.Context() {
    @Override
    public CertificateParser certificates() {
      return certificates;
    }

    @Override
    public void parseError(ParseErrorKind kind, int count) {
      parseErrors.addAndGet(kind.ordinal(), count);
    }
  };

  // single writer (the reader thread), read by stats() from any thread
  private volatile long segments;
  private volatile long segmentBytes;
  private volatile long duplicateBytes;
  private volatile long droppedBytes;
  private volatile long handshakesEmitted;
  private volatile long handshakesTimedOut;
  private volatile long flowsEvicted;
  private volatile long flowsAbandoned;
  private volatile int flowCount;
  private volatile long bytesHeld;
  private volatile long emitFailures;

  private long nextDeadlineNs = Long.MAX_VALUE;

  public TlsAssembler(TlsAssemblerConfig config, String nodeName, Consumer<TlsHandshakeEvent> out) {
    this(config, nodeName, out, config.activeFetch()
        ? CertificateFetcher.create(config.fetchPeriod(), config.fetchTimeout()) : null);
  }

  /** With a given fetcher (tests), or null for none. */
  TlsAssembler(TlsAssemblerConfig config, String nodeName, Consumer<TlsHandshakeEvent> out,
               CertificateFetcher fetcher) {
    this.config = Objects.requireNonNull(config, "config");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.out = Objects.requireNonNull(out, "out");
    this.fetcher = fetcher;
    this.timeoutNs = config.handshakeTimeout().toNanos();
  }

  /** Adds one chunk; emits the handshake if this chunk completed it. Never throws. */
  public void accept(TlsSegment segment) {
    segments++;
    segmentBytes += segment.payload().length;
    ConnectionKey key = ConnectionKey.of(segment);
    try {
      TlsFlow flow = flows.get(key);
      if (flow == null) {
        flow = newFlow(key, segment.capturedAtNs());
      }
      if (!flow.finished()) {
        flow.add(key.directionOf(segment), segment);
        if (flow.complete()) {
          complete(flow, segment.capturedAtNs(), false);
        }
      }
    } catch (RuntimeException e) {
      internalError(key, e);
    }
    syncCounters();
  }

  /** Emits handshakes past their timeout, forgets old connections, and emits finished active fetches. */
  public void expire(long nowNs) {
    try {
      if (fetcher != null) {
        fetcher.drain(result -> emit(TlsEventMapper.fetched(result, nodeName)));
      }
      if (nowNs >= nextDeadlineNs) {
        scan(nowNs);
      }
    } catch (RuntimeException e) {
      internalError(null, e);
    }
    syncCounters();
  }

  public TlsAssemblerStats stats() {
    Map<ParseErrorKind, Long> errors = new EnumMap<>(ParseErrorKind.class);
    for (ParseErrorKind kind : KINDS) {
      errors.put(kind, parseErrors.get(kind.ordinal()));
    }
    boolean fetching = fetcher != null;
    return new TlsAssemblerStats(segments, segmentBytes, duplicateBytes, droppedBytes, handshakesEmitted,
        handshakesTimedOut, flowsEvicted, flowsAbandoned, flowCount, bytesHeld, errors, emitFailures,
        fetching ? fetcher.started() : 0, fetching ? fetcher.succeeded() : 0, fetching ? fetcher.failed() : 0,
        fetching ? fetcher.skipped() : 0);
  }

  /** Bytes held now, without building a snapshot (for tight test loops). */
  long bytesHeld() {
    return bytesHeld;
  }

  /** Stops the active fetcher's threads, if any. */
  @Override
  public void close() {
    if (fetcher != null) {
      fetcher.close();
    }
  }

  private TlsFlow newFlow(ConnectionKey key, long nowNs) {
    if (flows.size() >= config.maxFlows()) {
      Iterator<TlsFlow> oldest = flows.values().iterator();
      drop(oldest.next(), oldest);
    }
    TlsFlow[] self = new TlsFlow[1];
    DirectionStream.Budget budget = new DirectionStream.Budget() {
      @Override
      public boolean reserve(long bytes) {
        return TlsAssembler.this.reserve(self[0], bytes);
      }

      @Override
      public void release(long bytes) {
        bytesHeld -= bytes;
      }
    };
    TlsFlow flow = new TlsFlow(key, nowNs, config.maxDirectionBytes(), budget, tally, context);
    self[0] = flow;
    flows.put(key, flow);
    nextDeadlineNs = Math.min(nextDeadlineNs, deadline(flow));
    return flow;
  }

  /** Makes room for {@code bytes} more, evicting the oldest other unfinished connections if needed. */
  private boolean reserve(TlsFlow requester, long bytes) {
    if (bytesHeld + bytes > config.maxTotalBytes()) {
      Iterator<TlsFlow> it = flows.values().iterator();
      while (bytesHeld + bytes > config.maxTotalBytes() && it.hasNext()) {
        TlsFlow candidate = it.next();
        if (candidate != requester && candidate.heldBytes() > 0) {
          drop(candidate, it);
        }
      }
      if (bytesHeld + bytes > config.maxTotalBytes()) {
        return false;
      }
    }
    bytesHeld += bytes;
    return true;
  }

  /** Removes a flow through {@code it} (positioned on it); unfinished ones count as evicted. */
  private void drop(TlsFlow flow, Iterator<TlsFlow> it) {
    if (!flow.finished()) {
      flowsEvicted++;
      flow.finish();
    }
    it.remove();
  }

  private void complete(TlsFlow flow, long nowNs, boolean timedOut) {
    flow.finish();
    if (flow.hasHello()) {
      TlsHandshakeEvent event = TlsEventMapper.handshake(flow, nodeName);
      handshakesEmitted++;
      if (timedOut) {
        handshakesTimedOut++;
      }
      emit(event);
      requestFetch(flow, nowNs);
    } else {
      flowsAbandoned++;
    }
  }

  private void requestFetch(TlsFlow flow, long nowNs) {
    ServerHelloInfo serverHello = flow.serverHello();
    ClientHelloInfo clientHello = flow.clientHello();
    if (fetcher != null && serverHello != null && serverHello.isTls13() && clientHello != null
        && clientHello.serverName() != null) {
      int server = 1 - flow.clientEndpoint();
      InetAddress address = flow.key.address(server);
      fetcher.request(address, flow.key.port(server), clientHello.serverName(), nowNs);
    }
  }

  private void emit(TlsHandshakeEvent event) {
    try {
      out.accept(event);
    } catch (RuntimeException e) {
      emitFailures++;
      LOG.warn("TLS event consumer failed on {}:{} -> {}:{}: {}", event.getClientIp(), event.getClientPort(),
          event.getServerIp(), event.getServerPort(), e.toString());
    }
  }

  private long deadline(TlsFlow flow) {
    // unfinished: emit after one timeout; finished: keep the key one more timeout for late retransmissions
    return flow.firstSeenNs + (flow.finished() ? 2 * timeoutNs : timeoutNs);
  }

  private void scan(long nowNs) {
    long next = Long.MAX_VALUE;
    Iterator<TlsFlow> it = flows.values().iterator();
    while (it.hasNext()) {
      TlsFlow flow = it.next();
      if (nowNs >= deadline(flow)) {
        if (flow.finished()) {
          it.remove();
          continue;
        }
        complete(flow, nowNs, true);
        if (nowNs >= deadline(flow)) {
          it.remove();
          continue;
        }
      }
      next = Math.min(next, deadline(flow));
    }
    nextDeadlineNs = next;
  }

  private void internalError(ConnectionKey key, RuntimeException e) {
    parseErrors.incrementAndGet(ParseErrorKind.INTERNAL.ordinal());
    LOG.warn("TLS reassembly failed{}; connection dropped", key == null ? "" : " for " + key, e);
    if (key != null) {
      TlsFlow flow = flows.remove(key);
      if (flow != null) {
        flow.finish();
      }
    }
  }

  private void syncCounters() {
    if (tally.duplicateBytes != duplicateBytes) {
      duplicateBytes = tally.duplicateBytes;
    }
    if (tally.droppedBytes != droppedBytes) {
      droppedBytes = tally.droppedBytes;
    }
    if (flows.size() != flowCount) {
      flowCount = flows.size();
    }
  }
}
