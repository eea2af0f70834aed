package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpConnection.Observer;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the kernel's per-socket totals into what {@code k8spacket.tcp.v1} carries: a progress report becomes
 * the delta since the same socket's previous report, and a close becomes the remainder since its last report
 * (its totals when it never reported). Summing every published record of a socket gives its exact totals.
 *
 * <p>Worked example: a socket reports 1000/20 bytes, then 5000/20, then closes at 5200/20. Published: OPEN
 * 1000/20, OPEN 4000/0, close 200/0. A report with no new bytes is not published (its segments carry over to
 * the next record). A report that reaches us after its socket's close (the two raced on different CPUs) is
 * dropped, so nothing counts twice.
 *
 * <p>Bounded: at most {@code maxSockets} open sockets remembered (the oldest reporter is forgotten beyond, and
 * {@link #evictions()} counts it: its close then publishes its totals, counting its reported part again), and
 * the last {@value #RECENT_CLOSES} closes of sockets that had reported. {@link #account} runs on the one TCP
 * reader thread only.
 */
public final class ProgressLedger {
  static final int RECENT_CLOSES = 4096;

  /** One socket across its reports: endpoints, side, namespace and the kernel's open time. */
  private record SocketKey(Observer observer, InetAddress client, int clientPort, InetAddress server, int serverPort,
      long netnsCookie, long netnsInode, long openBootNs) {
    static SocketKey of(TcpConnection c) {
      return new SocketKey(c.observer(), c.client(), c.clientPort(), c.server(), c.serverPort(), c.netnsCookie(),
          c.netnsInode(), c.openBootNs());
    }
  }

  /** Counters already published for a socket. */
  private record Published(long bytesC2s, long bytesS2c, long segsC2s, long segsS2c, long retransmits) {
    static final Published NONE = new Published(0, 0, 0, 0, 0);

    static Published of(TcpConnection c) {
      return new Published(c.bytesClientToServer(), c.bytesServerToClient(), c.segmentsClientToServer(),
          c.segmentsServerToClient(), c.retransmits());
    }

    /** {@code totals} minus what was published; never below zero. */
    TcpConnection remainderOf(TcpConnection totals) {
      return totals.withCounters(minus(totals.bytesClientToServer(), bytesC2s),
          minus(totals.bytesServerToClient(), bytesS2c), minus(totals.segmentsClientToServer(), segsC2s),
          minus(totals.segmentsServerToClient(), segsS2c), minus(totals.retransmits(), retransmits));
    }
  }

  private final Map<SocketKey, Published> open;
  private final Map<SocketKey, Boolean> recentlyClosed = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<SocketKey, Boolean> eldest) {
      return size() > RECENT_CLOSES;
    }
  };
  private volatile long evictions;
  private volatile int openSockets;

  /** A ledger remembering at most {@code maxSockets} reporting sockets. */
  public ProgressLedger(int maxSockets) {
    if (maxSockets <= 0) {
      throw new IllegalArgumentException("maxSockets must be > 0, got " + maxSockets);
    }
    this.open = new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<SocketKey, Published> eldest) {
        if (size() > maxSockets) {
          evictions = evictions + 1;
          return true;
        }
        return false;
      }
    };
  }

  /**
   * What to publish for {@code c} as the kernel reported it (totals since open), or null when nothing: a report
   * without new bytes, or a report of a socket that has already closed.
   */
  public TcpConnection account(TcpConnection c) {
    TcpConnection published = publish(c);
    openSockets = open.size();
    return published;
  }

  private TcpConnection publish(TcpConnection c) {
    if (c.closeKind() != CloseKind.OPEN && open.isEmpty()) {
      return c; // the common case: no socket has reported, nothing to look up
    }
    SocketKey key = SocketKey.of(c);
    if (c.closeKind() != CloseKind.OPEN) {
      Published published = open.remove(key);
      if (published == null) {
        return c;
      }
      recentlyClosed.put(key, Boolean.TRUE);
      return published.remainderOf(c);
    }
    if (recentlyClosed.containsKey(key)) {
      return null;
    }
    Published published = open.getOrDefault(key, Published.NONE);
    TcpConnection delta = published.remainderOf(c);
    if (delta.bytesClientToServer() == 0 && delta.bytesServerToClient() == 0) {
      return null;
    }
    open.put(key, Published.of(c));
    return delta;
  }

  /** Open sockets remembered now (readable from any thread). */
  public int openSockets() {
    return openSockets;
  }

  /** Sockets forgotten to stay within the bound, since the start (readable from any thread). */
  public long evictions() {
    return evictions;
  }

  private static long minus(long value, long amount) {
    return Math.max(0, value - amount);
  }
}
