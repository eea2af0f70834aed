package io.k8spacket.streams.topology;

import io.k8spacket.streams.metadata.IpLiterals;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PTR names of public IPs, for servers that neither metadata nor an SNI names. Reading never blocks: {@link
 * #name} answers from the cache and, on a miss or an expired entry, queues a lookup on a small executor, so the
 * name shows on later connections. Bounded: at most {@code maxEntries} IPs (least recently read evicted), each
 * answer (a name, no name, or a failed lookup) kept {@code ttl}, at most {@value #MAX_QUEUED} lookups queued
 * (more are dropped and asked again on a later read). Private (RFC 1918, CGNAT 100.64/10, IPv6 ULA),
 * link-local, loopback, multicast and unspecified addresses are never looked up.
 *
 * <p>Example: the first connection to 93.184.216.34 (no SNI) is named by its IP and queues a lookup; once it
 * answered, connections to it are named {@code example-host.net} for an hour, then the next read looks it up
 * again (and keeps the old name meanwhile).
 */
public final class ReverseDnsCache implements AutoCloseable {
  /** Streams property holding the process's cache; absent = reverse DNS off. */
  public static final String CONFIG = "k8spacket.reverse.dns.cache";
  static final int THREADS = 2;
  static final int MAX_QUEUED = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(ReverseDnsCache.class);

  /** Looks up the PTR name of an address; empty when it has none. May block: it runs on the cache's executor. */
  @FunctionalInterface
  public interface Resolver {
    Optional<String> ptr(InetAddress address) throws Exception;
  }

  private record Entry(String name, long expiresAtNanos) {}

  private final Resolver resolver;
  private final Executor executor;
  private final LongSupplier nanoClock;
  private final long ttlNanos;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Map<String, Entry> entries;

  /** Tests: any resolver, executor and clock ({@link System#nanoTime} style). */
  ReverseDnsCache(Resolver resolver, Executor executor, LongSupplier nanoClock, int maxEntries, Duration ttl) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1: " + maxEntries);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    this.ttlNanos = ttl.toNanos();
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /**
   * The system resolver (a PTR lookup that Java confirms by a forward lookup) on {@value #THREADS} daemon
   * threads {@code k8spacket-reverse-dns-N}.
   */
  public static ReverseDnsCache create(int maxEntries, Duration ttl) {
    return create(ReverseDnsCache::systemPtr, maxEntries, ttl);
  }

  /** {@code resolver} on the production executor (tests). */
  static ReverseDnsCache create(Resolver resolver, int maxEntries, Duration ttl) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
          Thread t = new Thread(r, "k8spacket-reverse-dns-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    return new ReverseDnsCache(resolver, pool, System::nanoTime, maxEntries, ttl);
  }

  /**
   * The cached PTR name of {@code ip}, empty when none is known yet (or it has none, or it is not looked up);
   * never blocks. A miss or an expired entry queues a lookup; an expired name is still returned meanwhile.
   */
  public Optional<String> name(String ip) {
    Entry e;
    synchronized (entries) {
      e = entries.get(ip);
    }
    if (e == null || e.expiresAtNanos() - nanoClock.getAsLong() <= 0) {
      requestLookup(ip);
    }
    return e == null ? Optional.empty() : Optional.ofNullable(e.name());
  }

  /** IPs cached now (answered lookups, fresh or expired). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /** Stops the executor when it is one this class created. */
  @Override
  public void close() {
    if (executor instanceof ExecutorService service) {
      service.shutdownNow();
    }
  }

  /** True for an IP literal worth asking public DNS about (see the class comment). */
  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return !((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64); // 100.64.0.0/10, shared address space
    }
    return !(a instanceof Inet6Address) || (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local
  }

  private void requestLookup(String ip) {
    InetAddress address = literal(ip);
    if (address == null || !isPublic(address) || !pending.add(ip)) {
      return;
    }
    try {
      executor.execute(() -> resolve(ip, address));
    } catch (RejectedExecutionException full) {
      pending.remove(ip); // queue full or closed: asked again on a later read
    }
  }

  private void resolve(String ip, InetAddress address) {
    String name = null;
    try {
      name = resolver.ptr(address).filter(s -> !s.isBlank() && !s.equals(ip)).orElse(null);
    } catch (Exception e) {
      LOG.debug("reverse DNS lookup of {} failed", ip, e); // cached as no name for the TTL, like NXDOMAIN
    }
    synchronized (entries) {
      entries.put(ip, new Entry(name, nanoClock.getAsLong() + ttlNanos));
    }
    pending.remove(ip);
  }

  /** The address of an IP literal, without any DNS lookup; null when {@code ip} is not one. */
  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(IpLiterals.canonical(ip)); // a valid literal never triggers DNS
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }

  /** The system resolver's PTR name; Java answers the IP itself when there is none or it fails. */
  private static Optional<String> systemPtr(InetAddress address) {
    String name = address.getCanonicalHostName();
    return name.equals(address.getHostAddress()) ? Optional.empty() : Optional.of(name);
  }
}
