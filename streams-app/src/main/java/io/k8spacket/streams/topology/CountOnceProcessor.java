package io.k8spacket.streams.topology;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.SeenObservation;
import io.k8spacket.schema.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Counts each connection once, from the client side when there can be one, merging what only the server side
 * knows. Input: named connections keyed by client IP (both sockets' observations of one connection share the
 * client IP, so they meet on one partition).
 *
 * <p><b>Twins</b>: the two sockets' observations of one connection have opposite observers, the same client IP
 * and port, overlapping {@code [open, close]}, and either the same server IP and port or, through kube-proxy's
 * DNAT, a client side whose server is a Service ClusterIP (kind SERVICE) while the server side sees the backend
 * pod. An exact server match is preferred over a Service match. A client port reused by a later connection does
 * not pair: the intervals do not overlap.
 *
 * <p><b>Which one counts</b>, for an observation without a pending twin:
 * <ul>
 *   <li>client side, server not a Service: counted at once;</li>
 *   <li>client side to a Service: held up to the twin wait for the server side, which names the backend pod;</li>
 *   <li>server side, client a pod or node (an observed workload, so a client side may come): held up to the
 *       twin wait; a client twin arriving meanwhile is counted instead;</li>
 *   <li>server side, client external (no metadata): counted at once.</li>
 * </ul>
 * When a twin arrives: if the pending one was held, the client side is counted now, with the server side's
 * backend when the client side went to a Service ({@link #merge}); if it was already counted, the newcomer is
 * dropped. A hold ends at close + twin wait of stream time, and the held observation is counted alone (record
 * timestamp = its close time, so it lands in its window; the twin wait is at most the window grace). Counted
 * observations are remembered until close + match retention of stream time, so a late twin is still dropped.
 *
 * <p>Stores: {@code seen} (key {@code clientIp clientPort serverIp serverPort observer openTimeNs}, so a prefix
 * scan over {@code clientIp clientPort } finds every candidate twin) and {@code due}, an index by deadline
 * ({@code %019d deadlineMs} + seen key) that a stream-time punctuator range-scans whenever stream time advances:
 * held observations are counted and re-indexed for the match retention, remembered ones forgotten. Both stay
 * bounded by the match retention of stream time.
 */
public final class CountOnceProcessor implements Processor<String, Connection, String, Connection> {
  /**
   * The punctuator runs whenever stream time advances; it scans the deadline index only when the earliest
   * deadline has come, so most records cost a comparison, not a store iterator.
   */
  private static final Duration PUNCTUATE_INTERVAL = Duration.ofMillis(1);
  /** {@link #earliestDueMs} before the index was read (after a start or restore): scan once to learn it. */
  private static final long UNKNOWN = Long.MIN_VALUE;

  private final String seenStoreName;
  private final String dueStoreName;
  private final long retentionMs;
  private final long twinWaitMs;
  private ProcessorContext<String, Connection> context;
  private KeyValueStore<String, SeenObservation> seen;
  private KeyValueStore<String, String> due;
  /** No deadline in the index is earlier than this (it may be earlier than the true first one, never later). */
  private long earliestDueMs = UNKNOWN;

  CountOnceProcessor(String seenStoreName, String dueStoreName, Duration retention, Duration twinWait) {
    this.seenStoreName = seenStoreName;
    this.dueStoreName = dueStoreName;
    this.retentionMs = retention.toMillis();
    this.twinWaitMs = twinWait.toMillis();
  }

  /** The supplier, with its persistent (changelogged) stores {@code seenStoreName} and {@code dueStoreName}. */
  public static ProcessorSupplier<String, Connection, String, Connection> supplier(String seenStoreName,
      String dueStoreName, Duration retention, Duration twinWait) {
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, Connection, String, Connection> get() {
        return new CountOnceProcessor(seenStoreName, dueStoreName, retention, twinWait);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(seenStoreName), Serdes.String(),
                AvroSerde.of(SeenObservation.class)),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(dueStoreName), Serdes.String(),
                Serdes.String()));
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, Connection> context) {
    this.context = context;
    this.seen = context.getStateStore(seenStoreName);
    this.due = context.getStateStore(dueStoreName);
    context.schedule(PUNCTUATE_INTERVAL, PunctuationType.STREAM_TIME, this::endDeadlines);
  }

  @Override
  public void process(Record<String, Connection> record) {
    Connection c = record.value();
    if (c == null) {
      return;
    }
    long now = context.currentStreamTimeMs();
    KeyValue<String, SeenObservation> twin = findTwin(c, now);
    if (twin != null) {
      forget(twin.key, twin.value);
      if (twin.value.getHeld() != null) {
        Connection other = twin.value.getHeld();
        Connection counted = c.getObserver() == Observer.CLIENT ? merge(c, other) : merge(other, c);
        forward(counted);
      }
      return;
    }
    boolean hold = twinWaitMs > 0 && (c.getObserver() == Observer.CLIENT ? isService(c.getServer())
        : isObservedWorkload(c.getClient()));
    if (hold && closeMs(c) + twinWaitMs > now) {
      remember(c, true, now);
      return;
    }
    forward(c.getObserver() == Observer.CLIENT ? merge(c, null) : c);
    remember(c, false, now);
  }

  /**
   * The counted connection from its client side {@code client} and, when observed, its server side
   * {@code server}: through a Service, the server becomes the backend pod the server side saw and the Service
   * goes to {@code service}; without a server side the Service stays the server.
   */
  static Connection merge(Connection client, Connection server) {
    if (!isService(client.getServer())) {
      return client;
    }
    Connection.Builder merged = Connection.newBuilder(client)
        .setService(client.getServer()).setServicePort(client.getServerPort());
    if (server != null && !server.getServer().getIp().equals(client.getServer().getIp())) {
      merged.setServer(server.getServer()).setServerPort(server.getServerPort());
    }
    return merged.build();
  }

  /** The pending twin of {@code c}, an exact server match before a Service match; null when none. */
  private KeyValue<String, SeenObservation> findTwin(Connection c, long now) {
    KeyValue<String, SeenObservation> viaService = null;
    try (KeyValueIterator<String, SeenObservation> it = seen.prefixScan(clientKey(c), new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, SeenObservation> entry = it.next();
        SeenObservation other = entry.value;
        if (other.getObserver() == c.getObserver() || !overlaps(other, c) || forgotten(other, now)) {
          continue;
        }
        if (other.getServerIp().equals(c.getServer().getIp()) && other.getServerPort() == c.getServerPort()) {
          return entry;
        }
        boolean clientSideToService = c.getObserver() == Observer.CLIENT ? isService(c.getServer())
            : other.getServerKind() == EndpointKind.SERVICE;
        if (clientSideToService && viaService == null) {
          viaService = entry;
        }
      }
    }
    return viaService;
  }

  /** Counts held observations whose wait ended and forgets remembered ones past the match retention. */
  private void endDeadlines(long streamTimeMs) {
    if (earliestDueMs != UNKNOWN && streamTimeMs < earliestDueMs) {
      return;
    }
    List<KeyValue<String, String>> ended = new ArrayList<>();
    try (KeyValueIterator<String, String> it = due.range(deadlineKey(0, ""), deadlineKey(streamTimeMs, "~"))) {
      it.forEachRemaining(ended::add);
    }
    for (KeyValue<String, String> entry : ended) {
      due.delete(entry.key);
      SeenObservation observation = seen.get(entry.value);
      if (observation == null) {
        continue;
      }
      if (observation.getHeld() == null) {
        seen.delete(entry.value);
        continue;
      }
      Connection held = observation.getHeld();
      forward(held.getObserver() == Observer.CLIENT ? merge(held, null) : held);
      observation.setHeld(null);
      if (deadline(observation) <= streamTimeMs) {
        seen.delete(entry.value);
      } else {
        seen.put(entry.value, observation);
        due.put(deadlineKey(deadline(observation), entry.value), entry.value);
      }
    }
    earliestDueMs = firstDeadline();
  }

  /** The earliest deadline in the index, {@code Long.MAX_VALUE} when it is empty. */
  private long firstDeadline() {
    try (KeyValueIterator<String, String> it = due.all()) {
      return it.hasNext() ? Long.parseLong(it.next().key.substring(0, 19)) : Long.MAX_VALUE;
    }
  }

  /** Stores {@code c}'s observation (held or counted) with its deadline, unless that has already passed. */
  private void remember(Connection c, boolean held, long now) {
    SeenObservation observation = SeenObservation.newBuilder()
        .setObserver(c.getObserver()).setOpenTimeNs(c.getOpenTimeNs()).setCloseTimeNs(c.getCloseTimeNs())
        .setServerIp(c.getServer().getIp()).setServerPort(c.getServerPort()).setServerKind(c.getServer().getKind())
        .setHeld(held ? c : null)
        .build();
    long deadline = deadline(observation);
    if (deadline <= now) {
      return;
    }
    String key = clientKey(c) + c.getServer().getIp() + " " + c.getServerPort() + " " + c.getObserver() + " "
        + c.getOpenTimeNs();
    seen.put(key, observation);
    due.put(deadlineKey(deadline, key), key);
    if (earliestDueMs != UNKNOWN) {
      earliestDueMs = Math.min(earliestDueMs, deadline);
    }
  }

  private void forget(String key, SeenObservation observation) {
    seen.delete(key);
    due.delete(deadlineKey(deadline(observation), key));
  }

  /** Counted at its close time (so it lands in its window), keyed by client IP. */
  private void forward(Connection c) {
    context.forward(new Record<>(c.getClient().getIp(), c, closeMs(c)));
  }

  /** End of the hold (close + twin wait) while held, else when it is forgotten (close + match retention). */
  private long deadline(SeenObservation o) {
    long closeMs = Math.floorDiv(o.getCloseTimeNs(), 1_000_000L);
    return o.getHeld() != null ? closeMs + twinWaitMs : closeMs + retentionMs + 1;
  }

  /** Past the match retention: no longer a twin (the punctuator deletes it at its next run). */
  private boolean forgotten(SeenObservation o, long now) {
    return o.getHeld() == null && deadline(o) <= now;
  }

  private static boolean overlaps(SeenObservation o, Connection c) {
    return o.getOpenTimeNs() <= c.getCloseTimeNs() && c.getOpenTimeNs() <= o.getCloseTimeNs();
  }

  private static boolean isService(Endpoint e) {
    return e.getKind() == EndpointKind.SERVICE;
  }

  /** A pod or a node: a host with an agent, so the client socket may be observed too. */
  private static boolean isObservedWorkload(Endpoint e) {
    return e.getKind() == EndpointKind.POD || e.getKind() == EndpointKind.NODE;
  }

  private static long closeMs(Connection c) {
    return Math.floorDiv(c.getCloseTimeNs(), 1_000_000L);
  }

  /** {@code "clientIp clientPort "}: the prefix shared by both sockets' observations, through DNAT too. */
  static String clientKey(Connection c) {
    return c.getClient().getIp() + " " + c.getClientPort() + " ";
  }

  /** Key of the deadline index: ordered by deadline, so the due entries are one range. */
  private static String deadlineKey(long deadlineMs, String seenKey) {
    return String.format("%019d %s", Math.max(0, deadlineMs), seenKey);
  }
}
