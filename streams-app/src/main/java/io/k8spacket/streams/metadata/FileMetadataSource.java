package io.k8spacket.streams.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone metadata source: the endpoints YAML file (format in {@link EndpointsFile}), watched while
 * running. Every poll interval it hashes the file's content (mtime alone misses two edits within its
 * granularity), and when the content changed it parses, diffs against the last published state and
 * publishes only the differences, stamped with the time they were seen: an upsert per new or changed IP, a
 * removal (tombstone) per IP that disappeared.
 *
 * <p>An invalid or missing file is logged once in one line naming the file and the entry, and the previous
 * state is kept. A failed publish keeps the previous state too and is retried on the next poll.
 */
public final class FileMetadataSource implements MetadataSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileMetadataSource.class);

  private final Path file;
  private final Duration pollInterval;
  private final Clock clock;
  private SortedMap<String, EndpointEntry> published = new TreeMap<>();
  private byte[] lastSeenHash;
  private MetadataPublisher publisher;
  private ScheduledExecutorService poller;
  private boolean stopped;

  /** Watches {@code file}, checking it every {@code pollInterval}. */
  public FileMetadataSource(Path file, Duration pollInterval) {
    this(file, pollInterval, Clock.systemUTC());
  }

  /** As above, with the clock that stamps changes (tests pass a fixed one). */
  public FileMetadataSource(Path file, Duration pollInterval, Clock clock) {
    this.file = Objects.requireNonNull(file, "file");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive");
    }
  }

  @Override
  public synchronized void start(MetadataPublisher publisher) {
    if (this.publisher != null || stopped) {
      throw new IllegalStateException(stopped ? "stopped" : "already started");
    }
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    pollNow();
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metadata-file-poller");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::pollSafely, pollInterval.toMillis(), pollInterval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops the poller and waits for a poll in progress, so nothing is published after this returns. */
  @Override
  public void stop() {
    ScheduledExecutorService toStop;
    synchronized (this) {
      stopped = true;
      toStop = poller;
      poller = null;
    }
    if (toStop != null) {
      toStop.shutdownNow();
      try {
        toStop.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The state last published successfully, IP → entry. */
  public synchronized Map<String, EndpointEntry> current() {
    return Map.copyOf(published);
  }

  /**
   * Checks the file once and publishes what changed; returns the number of changes published. The poller
   * calls it; tests may call it directly after {@link #start}.
   */
  public synchronized int pollNow() {
    if (publisher == null) {
      throw new IllegalStateException("not started");
    }
    if (stopped) {
      return 0;
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      rejectOnce(new byte[] {0}, "file not found");
      return 0;
    } catch (IOException e) {
      rejectOnce(new byte[] {1}, "unreadable: " + e);
      return 0;
    }
    byte[] hash = sha256(content);
    if (Arrays.equals(hash, lastSeenHash)) {
      return 0;
    }
    SortedMap<String, EndpointEntry> next;
    try {
      next = EndpointsFile.parse(content);
    } catch (EndpointsFile.InvalidException e) {
      rejectOnce(hash, e.getMessage());
      return 0;
    }
    List<MetadataChange> changes = diff(published, next, clock.millis());
    if (!changes.isEmpty()) {
      try {
        publisher.publish(changes);
      } catch (RuntimeException e) {
        LOG.warn("metadata file {}: cannot publish {} changes, will retry: {}", file, changes.size(), e.toString());
        return 0;
      }
      LOG.info("metadata file {}: {} endpoints, {} changed", file, next.size(), changes.size());
    }
    published = next;
    lastSeenHash = hash;
    return changes.size();
  }

  /** Upserts for new or changed IPs, then removals for IPs that are gone, each in IP order. */
  static List<MetadataChange> diff(Map<String, EndpointEntry> before, Map<String, EndpointEntry> after,
      long seenAtMs) {
    List<MetadataChange> changes = new ArrayList<>();
    for (EndpointEntry entry : new TreeMap<>(after).values()) {
      if (!entry.equals(before.get(entry.ip()))) {
        changes.add(MetadataChange.upsert(entry.toAvro(seenAtMs)));
      }
    }
    for (String ip : new TreeSet<>(before.keySet())) {
      if (!after.containsKey(ip)) {
        changes.add(MetadataChange.removal(ip, seenAtMs));
      }
    }
    return changes;
  }

  private void pollSafely() {
    try {
      pollNow();
    } catch (RuntimeException e) {
      LOG.warn("metadata file {}: poll failed: {}", file, e.toString());
    }
  }

  private void rejectOnce(byte[] reasonKey, String why) {
    if (!Arrays.equals(reasonKey, lastSeenHash)) {
      LOG.warn("metadata file {}: {}; keeping the previous {} endpoints", file, why, published.size());
      lastSeenHash = reasonKey;
    }
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
