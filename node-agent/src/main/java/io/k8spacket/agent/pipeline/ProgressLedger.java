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

  /**
   * One socket across its reports: endpoints, side, namespace and the kernel's open time. Keys in the maps are
   * never changed; one more instance, {@link #lookup}, is refilled for every look-up so that a close (every
   * event, while some socket has reported) allocates no key.
   */
  private static final class SocketKey {
    private Observer observer;
    private InetAddress client;
    private int clientPort;
    private InetAddress server;
    private int serverPort;
    private long netnsCookie;
    private long netnsInode;
    private long openBootNs;

    /** A new key for {@code c}, to be kept in a map. */
    static SocketKey of(TcpConnection c) {
      return new SocketKey().fill(c);
    }

    /** This key, now for {@code c}. */
    SocketKey fill(TcpConnection c) {
      observer = c.observer();
      client = c.client();
      clientPort = c.clientPort();
      server = c.server();
      serverPort = c.serverPort();
      netnsCookie = c.netnsCookie();
      netnsInode = c.netnsInode();
      openBootNs = c.openBootNs();
      return this;
    }

    /** The open time and ports tell sockets apart almost alone: mixed first, the rest folded in cheaply. */
    @Override
    public int hashCode() {
      long h = openBootNs * 0x9E3779B97F4A7C15L + ((long) clientPort << 16 | serverPort);
      h = h * 31 + client.hashCode() * 31L + server.hashCode() + netnsCookie + netnsInode + observer.ordinal();
      return (int) (h ^ (h >>> 32));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SocketKey k && openBootNs == k.openBootNs && clientPort == k.clientPort
          && serverPort == k.serverPort && netnsCookie == k.netnsCookie && netnsInode == k.netnsInode
          && observer == k.observer && client.equals(k.client) && server.equals(k.server);
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
  private final SocketKey lookup = new SocketKey();
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
    int size = open.size();
    if (size != openSockets) {
      openSockets = size; // a volatile store (a fence) only when the size changed, not once per event
    }
    return published;
  }

  private TcpConnection publish(TcpConnection c) {
    if (c.closeKind() != CloseKind.OPEN && open.isEmpty()) {
      return c; // the common case: no socket has reported, nothing to look up
    }
    SocketKey key = lookup.fill(c); // for look-ups only: never put into a map
    if (c.closeKind() != CloseKind.OPEN) {
      Published published = open.remove(key);
      if (published == null) {
        return c;
      }
      recentlyClosed.put(SocketKey.of(c), Boolean.TRUE);
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
    open.put(SocketKey.of(c), Published.of(c));
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
