package io.k8spacket.agent.tc;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the TLS programs attached to every interface whose name matches a pattern, as interfaces come and go
 * (pods start and stop): every poll it lists the interfaces, attaches to new ones, and forgets ones that are
 * gone or were re-created under the same name with a new ifindex (the kernel dropped our hooks with the old
 * device). One log line per interface attached or detached; an interface that refuses is logged once and
 * tried again each poll. Interfaces whose link type has no program variant (loopback, GRE, ...) are skipped.
 *
 * <p>Example: pattern {@code ^(veth|eth)}, interfaces {@code lo, eth0, veth1a2b, docker0}: attaches to
 * {@code eth0} and {@code veth1a2b}; after {@code veth1a2b} is deleted the next poll drops it and
 * {@link #attachedCount()} goes from 2 to 1.
 */
public final class InterfaceFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InterfaceFollower.class);

  private final Supplier<List<NetInterface>> interfaces;
  private final Pattern names;
  private final TcAttacher attacher;
  private final Map<NetInterface, TcAttacher.Attachment> attached = new LinkedHashMap<>();
  private final Set<NetInterface> refused = new HashSet<>();
  private final Set<String> skipped = new HashSet<>();
  private ScheduledExecutorService poller;
  private volatile int attachedCount;
  private boolean closed;

  public InterfaceFollower(Supplier<List<NetInterface>> interfaces, Pattern names, TcAttacher attacher) {
    this.interfaces = interfaces;
    this.names = names;
    this.attacher = attacher;
  }

  /** Attaches to what matches now (on the caller's thread), then polls every {@code interval}. */
  public synchronized InterfaceFollower start(Duration interval) {
    poll();
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "k8spacket-tls-interfaces");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::pollQuietly, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("listing interfaces failed, trying again next poll: {}", e.toString());
    }
  }

  /** One round: forget vanished interfaces, attach new matching ones. */
  public synchronized void poll() {
    if (closed) {
      return;
    }
    Set<NetInterface> present = new LinkedHashSet<>(); // in ifindex order
    for (NetInterface iface : interfaces.get()) {
      if (!names.matcher(iface.name()).find()) {
        continue;
      }
      if (iface.framing().isEmpty()) {
        if (skipped.add(iface.name())) {
          LOG.info("TLS capture skips {}: link type {} is neither Ethernet nor raw IP", iface, iface.type());
        }
        continue;
      }
      present.add(key(iface));
    }
    attached.entrySet().removeIf(e -> {
      if (present.contains(e.getKey())) {
        return false;
      }
      e.getValue().detach();
      LOG.info("TLS capture detached from {}: interface gone", e.getKey());
      return true;
    });
    refused.retainAll(present);
    for (NetInterface iface : present) {
      if (!attached.containsKey(iface)) {
        attach(iface);
      }
    }
    attachedCount = attached.size();
  }

  private void attach(NetInterface iface) {
    try {
      attached.put(iface, attacher.attach(iface));
      refused.remove(iface);
      LOG.info("TLS capture attached to {} ({})", iface, attacher.kind());
    } catch (TcAttacher.AttachException e) {
      if (refused.add(iface)) {
        LOG.warn("TLS capture cannot attach to {}, trying again each poll: {}", iface, e.getMessage());
      }
    }
  }

  /** Identity of an interface for following: name and ifindex (operstate changes are not a new interface). */
  private static NetInterface key(NetInterface iface) {
    return new NetInterface(iface.name(), iface.ifindex(), iface.type(), "");
  }

  /** Interfaces the programs are attached to now. */
  public int attachedCount() {
    return attachedCount;
  }

  /** Names of the interfaces the programs are attached to now, for tests and logs. */
  public synchronized Set<String> attachedNames() {
    Set<String> result = new HashSet<>();
    attached.keySet().forEach(i -> result.add(i.name()));
    return result;
  }

  /** Stops polling and detaches from every interface; idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = poller;
    }
    if (stopping != null) {
      stopping.shutdownNow();
      try {
        stopping.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      attached.forEach((iface, attachment) -> {
        attachment.detach();
        LOG.info("TLS capture detached from {}", iface);
      });
      attached.clear();
      attachedCount = 0;
    }
  }
}
