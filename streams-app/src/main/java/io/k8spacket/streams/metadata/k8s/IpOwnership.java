package io.k8spacket.streams.metadata.k8s;

import io.k8spacket.streams.metadata.EndpointEntry;
import io.k8spacket.streams.metadata.MetadataChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who holds each IP, decided from the claims of every object (pods, services, nodes), and what has to be
 * published to bring the metadata topic there. Not thread-safe: the caller serialises access.
 *
 * <p>Each object (a <em>source</em>, such as {@code pod/shop/web-1}) states all the IPs it holds. An IP whose
 * claims change is marked dirty with the time the change happened. {@link #takeChanges} then compares the
 * winning claim of each dirty IP with what was last published and returns only real changes: an upsert for a
 * new holder, a tombstone when nobody holds the IP any more. The winner is the claim of highest priority
 * (node, then service, then pod); among equals, the one held since later (a new pod that got an IP which a
 * finished pod still lists), then the smaller source key.
 *
 * <p>Times are clamped so that the versioned table keeps them: never before the IP's last published change
 * (versions of a key stay in order), never after now, never earlier than {@code now - maxBackdate} (older
 * versions would fall out of the table's history).
 *
 * <p>Example: pod A (10.0.0.7) finished at T1 → {@code update("pod/a", {}, T1, now)} → takeChanges gives a
 * tombstone of 10.0.0.7 at T1; pod B gets 10.0.0.7 at T2 → {@code update("pod/b", {10.0.0.7: B@T2}, …)}
 * → an upsert of B at T2.
 */
final class IpOwnership {
  /** An object's claim on one IP, held since {@code sinceMs}. */
  record Claim(String source, EndpointEntry entry, int priority, long sinceMs) {
    Claim {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(entry, "entry");
    }
  }

  private record Published(EndpointEntry entry, long atMs) {}

  private static final Comparator<Claim> BEST_FIRST = Comparator.comparingInt(Claim::priority).reversed()
      .thenComparing(Comparator.comparingLong(Claim::sinceMs).reversed())
      .thenComparing(Claim::source);

  private final Map<String, Map<String, Claim>> bySource = new HashMap<>();
  private final Map<String, Map<String, Claim>> byIp = new HashMap<>();
  private final Map<String, Long> dirty = new TreeMap<>();
  private final Map<String, Published> published = new HashMap<>();

  /**
   * Replaces the claims of {@code source} with {@code entries} (IP → entry). An IP it newly holds is marked
   * at {@code sinceMs}, an IP it no longer holds at {@code releasedAtMs}, a changed entry at {@code nowMs}.
   */
  void update(String source, Map<String, EndpointEntry> entries, int priority, long sinceMs, long releasedAtMs,
      long nowMs) {
    Map<String, Claim> before = bySource.getOrDefault(source, Map.of());
    Map<String, Claim> after = new HashMap<>();
    for (Map.Entry<String, EndpointEntry> e : entries.entrySet()) {
      if (!e.getKey().equals(e.getValue().ip())) {
        throw new IllegalArgumentException("entry for " + e.getKey() + " names ip " + e.getValue().ip());
      }
      Claim previous = before.get(e.getKey());
      if (previous != null && previous.entry().equals(e.getValue()) && previous.priority() == priority) {
        after.put(e.getKey(), previous);
      } else {
        long since = previous == null ? sinceMs : previous.sinceMs();
        after.put(e.getKey(), new Claim(source, e.getValue(), priority, since));
        mark(e.getKey(), previous == null ? sinceMs : nowMs);
      }
    }
    for (String ip : before.keySet()) {
      if (!after.containsKey(ip)) {
        mark(ip, releasedAtMs);
        byIp.get(ip).remove(source);
        if (byIp.get(ip).isEmpty()) {
          byIp.remove(ip);
        }
      }
    }
    for (Claim c : after.values()) {
      byIp.computeIfAbsent(c.entry().ip(), k -> new HashMap<>()).put(source, c);
    }
    if (after.isEmpty()) {
      bySource.remove(source);
    } else {
      bySource.put(source, after);
    }
  }

  /** {@code source} is gone (deleted): every IP it held is released at {@code releasedAtMs}. */
  void remove(String source, long releasedAtMs) {
    update(source, Map.of(), 0, releasedAtMs, releasedAtMs, releasedAtMs);
  }

  boolean hasDirty() {
    return !dirty.isEmpty();
  }

  /**
   * The changes that bring the published state to the claims, in IP order, and clears the dirty marks; the
   * caller publishes them, then calls {@link #published} (or {@link #restore} when publishing failed).
   */
  List<MetadataChange> takeChanges(long nowMs, long maxBackdateMs) {
    List<MetadataChange> changes = new ArrayList<>();
    for (Map.Entry<String, Long> d : dirty.entrySet()) {
      String ip = d.getKey();
      EndpointEntry want = winner(ip);
      Published was = published.get(ip);
      if (Objects.equals(want, was == null ? null : was.entry())) {
        continue;
      }
      long at = Math.min(d.getValue(), nowMs);
      at = Math.max(at, nowMs - maxBackdateMs);
      at = Math.max(at, was == null ? Long.MIN_VALUE : was.atMs());
      changes.add(want == null ? MetadataChange.removal(ip, at) : MetadataChange.upsert(want.toAvro(at)));
    }
    dirty.clear();
    return changes;
  }

  /** Records {@code changes} as durable. */
  void published(List<MetadataChange> changes) {
    for (MetadataChange c : changes) {
      if (c.isRemoval()) {
        published.remove(c.ip());
      } else {
        published.put(c.ip(), new Published(entryOf(c), c.seenAtMs()));
      }
    }
  }

  /** Marks the IPs of {@code changes} dirty again (at their change times), to be retried. */
  void restore(List<MetadataChange> changes) {
    for (MetadataChange c : changes) {
      mark(c.ip(), c.seenAtMs());
    }
  }

  /** The holder of {@code ip} by the current claims; null when nobody holds it. */
  EndpointEntry winner(String ip) {
    Map<String, Claim> claims = byIp.get(ip);
    return claims == null ? null : claims.values().stream().min(BEST_FIRST).map(Claim::entry).orElse(null);
  }

  /** How many IPs have a holder. */
  int heldIps() {
    return byIp.size();
  }

  private void mark(String ip, long atMs) {
    dirty.merge(ip, atMs, Math::max);
  }

  private static EndpointEntry entryOf(MetadataChange c) {
    var m = c.metadata();
    return new EndpointEntry(m.getIp(), m.getName(), m.getNamespace(), m.getWorkload(), m.getWorkloadKind(),
        m.getKind(), m.getNode());
  }
}
