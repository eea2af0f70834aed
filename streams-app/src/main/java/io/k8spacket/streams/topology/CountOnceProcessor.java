package io.k8spacket.streams.topology;

import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.CountOnceState;
import io.k8spacket.avro.Endpoint;
import io.k8spacket.avro.EndpointKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.SeenObservation;
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
 * knows. Input: named connections keyed by client IP (both sockets' records of one connection share the client
 * IP, so they meet on one partition); each is a progress report (closeKind OPEN, counters since the socket's
 * previous report) or a close (the remainder, or the totals when the socket made no report).
 *
 * <p><b>One entry per socket</b>: a socket's reports and its close share the key {@code clientIp clientPort
 * serverIp serverPort observer openTimeNs}, and one decision holds for all of them: HELD (its records wait for the
 * twin socket), COUNTING (forwarded) or SILENT (the twin counts; dropped). The entry keeps the socket's latest
 * time, and is forgotten at latest time + match retention of stream time, or at once when the socket has closed
 * and its twin was found (nothing more can come from it or for it).
 *
 * <p><b>Twins</b>: the two sockets of one connection have opposite observers, the same client IP and port,
 * overlapping {@code [open, latest time]}, and either the same server IP and port or, through kube-proxy's DNAT,
 * a client side whose server is a Service ClusterIP (kind SERVICE) while the server side sees the backend pod.
 * An exact server match is preferred over a Service match. A client port reused by a later connection does not
 * pair (the intervals do not overlap), and a socket pairs once.
 *
 * <p><b>First record of a socket</b>:
 * <ul>
 *   <li>twin HELD: the client side's record is forwarded, merged with the server side ({@link #merge}: the backend
 *       behind a Service); the client socket becomes COUNTING, the server socket SILENT. When the held one is the
 *       server side its held records are dropped: the client side's first record covers the connection since
 *       its open;</li>
 *   <li>twin COUNTING: this socket becomes SILENT and its record is dropped (a server side still teaches a
 *       counting client side its backend, merged into the client side's later records);</li>
 *   <li>no twin, client side to a Service: HELD up to the twin wait for the server side, which names the backend;
 *       server side whose client is a pod or node (an observed workload, so a client side may come): HELD up to
 *       the twin wait; otherwise COUNTING, forwarded.</li>
 * </ul>
 * <b>Later records</b>: COUNTING forwarded, SILENT dropped, HELD combined into the held record (counters summed,
 * latest time and kind). A hold ends at the first held record's time + twin wait of stream time: the combined
 * record is forwarded and the socket becomes COUNTING. Records are forwarded with timestamp = their close time
 * (the report time for progress), so windows show traffic where it happened; a combined held record lands in its
 * latest record's window, so up to the twin wait of bytes may move to a later window. It is at most the twin
 * wait late in stream time, and the twin wait is at most the window grace.
 *
 * <p>Stores: {@code seen} (prefix {@code clientIp clientPort } finds every candidate twin; values through
 * {@link SeenObservationSerde}) and {@code due}, an index by deadline ({@code %019d deadlineMs} + seen key) that a
 * stream-time punctuator range-scans whenever stream time advances: holds end, forgotten entries go. Both stay
 * bounded by the match retention of stream time. Only {@code seen} is changelogged; {@code due} (in RocksDB, off
 * the heap: it holds an entry per socket of the match retention) is rebuilt from {@code seen} when the task starts.
 */
public final class CountOnceProcessor implements Processor<String, Connection, String, Connection> {
  /**
   * The punctuator runs whenever stream time advances; it scans the deadline index only when the earliest
   * deadline has come, so most records cost a comparison, not a store iterator.
   */
  private static final Duration PUNCTUATE_INTERVAL = Duration.ofMillis(1);
  /** {@link #earliestDueMs} before the index was read (after a start or restore): scan once to learn it. */
  private static final long UNKNOWN = Long.MIN_VALUE;
  /** The previous deadline of an entry that is not in the index. */
  private static final long NOT_INDEXED = Long.MIN_VALUE;

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

  /**
   * The supplier, with its stores: {@code seenStoreName} persistent and changelogged (the decisions), and
   * {@code dueStoreName} persistent without a changelog: the index is derived from the entries, so {@link #init}
   * rebuilds it from them after a start or restore instead of logging every index write (one changelog record less
   * per record).
   */
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
                SeenObservationSerde.create(twinWait)),
            Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(dueStoreName), Serdes.String(),
                Serdes.String()).withLoggingDisabled());
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, Connection> context) {
    this.context = context;
    this.seen = context.getStateStore(seenStoreName);
    this.due = context.getStateStore(dueStoreName);
    rebuildDeadlines();
    context.schedule(PUNCTUATE_INTERVAL, PunctuationType.STREAM_TIME, this::endDeadlines);
  }

  @Override
  public void process(Record<String, Connection> record) {
    Connection c = record.value();
    if (c == null) {
      return;
    }
    long now = context.currentStreamTimeMs();
    String key = seenKey(c);
    SeenObservation own = seen.get(key);
    if (own != null && !forgotten(own, now)) {
      next(key, own, c, now);
      return;
    }
    if (own != null) {
      forget(key, own);
    }
    first(key, c, now);
  }

  /** The first record of a socket: paired with its twin when there is one, else held or counted. */
  private void first(String key, Connection c, long now) {
    SeenObservation own = SeenObservation.newBuilder()
        .setObserver(c.getObserver()).setOpenTimeNs(c.getOpenTimeNs()).setCloseTimeNs(c.getCloseTimeNs())
        .setServerIp(c.getServer().getIp()).setServerPort(c.getServerPort()).setServerKind(c.getServer().getKind())
        .setState(CountOnceState.COUNTING).setClosed(c.getCloseKind() != CloseKind.OPEN)
        .build();
    KeyValue<String, SeenObservation> twin = findTwin(c, now);
    if (twin != null) {
      long twinDeadline = deadline(twin.value);
      pair(c, own, twin.value);
      save(twin.key, twin.value, twinDeadline, now);
    } else if (twinWaitMs > 0 && mayHaveTwin(c) && closeMs(c) + twinWaitMs > now) {
      own.setState(CountOnceState.HELD);
      own.setHeld(c);
      own.setHoldUntilMs(closeMs(c) + twinWaitMs);
    } else {
      forward(counted(c, own));
    }
    save(key, own, NOT_INDEXED, now);
  }

  /** Pairs {@code c}, the first record of the socket {@code own}, with the socket {@code twin} (HELD or COUNTING). */
  private void pair(Connection c, SeenObservation own, SeenObservation twin) {
    own.setPaired(true);
    twin.setPaired(true);
    boolean isClient = c.getObserver() == Observer.CLIENT;
    if (twin.getState() != CountOnceState.HELD) {
      own.setState(CountOnceState.SILENT);
      if (!isClient) {
        learnBackend(twin, c);
      }
      return;
    }
    Connection held = twin.getHeld();
    twin.setHeld(null);
    SeenObservation clientSide = isClient ? own : twin;
    learnBackend(clientSide, isClient ? held : c);
    clientSide.setState(CountOnceState.COUNTING);
    (isClient ? twin : own).setState(CountOnceState.SILENT);
    // a held server side is dropped: the client side's first record covers the connection since its open
    forward(counted(isClient ? c : held, clientSide));
  }

  /** A later record {@code c} of the known socket {@code own}. */
  private void next(String key, SeenObservation own, Connection c, long now) {
    long before = deadline(own);
    if (own.getState() == CountOnceState.HELD && own.getHoldUntilMs() <= now) {
      release(own); // this record moved stream time past the end of the hold: the held records count first
    }
    switch (own.getState()) {
      case HELD -> own.setHeld(combine(own.getHeld(), c));
      case COUNTING -> forward(counted(c, own));
      case SILENT -> { } // its twin counts
      default -> throw new IllegalStateException("unknown count-once state " + own.getState());
    }
    own.setCloseTimeNs(Math.max(own.getCloseTimeNs(), c.getCloseTimeNs()));
    own.setClosed(own.getClosed() || c.getCloseKind() != CloseKind.OPEN);
    save(key, own, before, now);
  }

  /**
   * The counted form of a client side's record {@code client}: through a Service, the server becomes
   * {@code backend} (the pod the server side saw, when known) and the Service goes to {@code service}; without a
   * backend the Service stays the server.
   */
  static Connection merge(Connection client, Endpoint backend, int backendPort) {
    if (!isService(client.getServer())) {
      return client;
    }
    Connection.Builder merged = Connection.newBuilder(client)
        .setService(client.getServer()).setServicePort(client.getServerPort());
    if (backend != null) {
      merged.setServer(backend).setServerPort(backendPort);
    }
    return merged.build();
  }

  /**
   * {@code held} and the same socket's next record {@code c} as one record: counters summed; times, kind, RTT and
   * names of the later one.
   */
  static Connection combine(Connection held, Connection c) {
    Connection later = c.getCloseTimeNs() >= held.getCloseTimeNs() ? c : held;
    return Connection.newBuilder(later)
        .setBytesClientToServer(held.getBytesClientToServer() + c.getBytesClientToServer())
        .setBytesServerToClient(held.getBytesServerToClient() + c.getBytesServerToClient())
        .setSegmentsClientToServer(held.getSegmentsClientToServer() + c.getSegmentsClientToServer())
        .setSegmentsServerToClient(held.getSegmentsServerToClient() + c.getSegmentsServerToClient())
        .setRetransmits(held.getRetransmits() + c.getRetransmits())
        .build();
  }

  /** The client side {@code clientSide} to a Service learns the backend pod its server side {@code server} saw. */
  private static void learnBackend(SeenObservation clientSide, Connection server) {
    if (clientSide.getServerKind() == EndpointKind.SERVICE
        && !server.getServer().getIp().equals(clientSide.getServerIp())) {
      clientSide.setBackend(server.getServer());
      clientSide.setBackendPort(server.getServerPort());
    }
  }

  /** The candidate twin of {@code c}, an exact server match before a Service match; null when none. */
  private KeyValue<String, SeenObservation> findTwin(Connection c, long now) {
    KeyValue<String, SeenObservation> viaService = null;
    try (KeyValueIterator<String, SeenObservation> it = seen.prefixScan(clientKey(c), new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, SeenObservation> entry = it.next();
        SeenObservation other = entry.value;
        if (other.getObserver() == c.getObserver() || other.getPaired() || !overlaps(other, c)
            || forgotten(other, now)) {
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

  /**
   * Indexes every entry of {@code seen} under its deadline, as {@link #save} would have, in an emptied index: it is
   * not logged, so after a restore it starts empty, and after a clean restart it may hold keys of entries restored
   * since.
   */
  private void rebuildDeadlines() {
    List<String> stale = new ArrayList<>(); // what a clean shutdown left on disk: the entries may have moved on
    try (KeyValueIterator<String, String> it = due.all()) {
      it.forEachRemaining(entry -> stale.add(entry.key));
    }
    stale.forEach(due::delete);
    try (KeyValueIterator<String, SeenObservation> it = seen.all()) {
      while (it.hasNext()) {
        KeyValue<String, SeenObservation> entry = it.next();
        due.put(deadlineKey(deadline(entry.value), entry.key), entry.key);
      }
    }
    earliestDueMs = UNKNOWN;
  }

  /** Ends the holds whose time has come (the held records count) and forgets entries past the match retention. */
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
      SeenObservation o = seen.get(entry.value);
      if (o == null || deadline(o) > streamTimeMs) {
        continue; // gone, or re-indexed under its later deadline
      }
      if (o.getState() == CountOnceState.HELD) {
        release(o);
        save(entry.value, o, NOT_INDEXED, streamTimeMs);
      } else {
        seen.delete(entry.value);
      }
    }
    earliestDueMs = firstDeadline();
  }

  /** Ends the hold of {@code o}: its held records, combined, count alone, and so will its next ones. */
  private void release(SeenObservation o) {
    forward(counted(o.getHeld(), o));
    o.setHeld(null);
    o.setState(CountOnceState.COUNTING);
  }

  /** The earliest deadline in the index, {@code Long.MAX_VALUE} when it is empty. */
  private long firstDeadline() {
    try (KeyValueIterator<String, String> it = due.all()) {
      return it.hasNext() ? Long.parseLong(it.next().key.substring(0, 19)) : Long.MAX_VALUE;
    }
  }

  /**
   * Writes the entry {@code o} and moves its index entry from {@code previousDeadline}; deletes both instead when
   * the socket closed and is paired, or its deadline has passed.
   */
  private void save(String key, SeenObservation o, long previousDeadline, long now) {
    long deadline = deadline(o);
    boolean keep = !(o.getPaired() && o.getClosed()) && deadline > now;
    if (previousDeadline != NOT_INDEXED && (!keep || previousDeadline != deadline)) {
      due.delete(deadlineKey(previousDeadline, key));
    }
    if (!keep) {
      seen.delete(key);
      return;
    }
    seen.put(key, o);
    if (previousDeadline != deadline) {
      due.put(deadlineKey(deadline, key), key);
      if (earliestDueMs != UNKNOWN) {
        earliestDueMs = Math.min(earliestDueMs, deadline);
      }
    }
  }

  private void forget(String key, SeenObservation o) {
    seen.delete(key);
    due.delete(deadlineKey(deadline(o), key));
  }

  /** Forwarded at its close (or report) time, so it lands in its window; keyed by client IP. */
  private void forward(Connection c) {
    context.forward(new Record<>(c.getClient().getIp(), c, closeMs(c)));
  }

  /** The form in which a record of the socket {@code o} counts: a client side's is merged with its backend. */
  private static Connection counted(Connection c, SeenObservation o) {
    return c.getObserver() == Observer.CLIENT ? merge(c, o.getBackend(), o.getBackendPort()) : c;
  }

  /** End of the hold while HELD, else when the entry is forgotten (latest time + match retention). */
  private long deadline(SeenObservation o) {
    return o.getState() == CountOnceState.HELD ? o.getHoldUntilMs()
        : Math.floorDiv(o.getCloseTimeNs(), 1_000_000L) + retentionMs + 1;
  }

  /** Past the match retention: neither a twin nor a known socket any more (the punctuator deletes it). */
  private boolean forgotten(SeenObservation o, long now) {
    return o.getState() != CountOnceState.HELD && deadline(o) <= now;
  }

  /** Whether a twin that this socket should wait for may come: see the class comment. */
  private static boolean mayHaveTwin(Connection c) {
    return c.getObserver() == Observer.CLIENT ? isService(c.getServer()) : isObservedWorkload(c.getClient());
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

  /** {@code "clientIp clientPort "}: the prefix shared by both sockets' records, through DNAT too. */
  static String clientKey(Connection c) {
    return c.getClient().getIp() + " " + c.getClientPort() + " ";
  }

  /** The socket's key: the same for each of its reports and its close. */
  static String seenKey(Connection c) {
    return clientKey(c) + c.getServer().getIp() + " " + c.getServerPort() + " " + c.getObserver() + " "
        + c.getOpenTimeNs();
  }

  /** Key of the deadline index: ordered by deadline, so the due entries are one range. */
  private static String deadlineKey(long deadlineMs, String seenKey) {
    String digits = Long.toString(Math.max(0, deadlineMs)); // zero-padded to 19 digits: ordered as numbers
    return "0".repeat(19 - digits.length()) + digits + " " + seenKey;
  }
}
