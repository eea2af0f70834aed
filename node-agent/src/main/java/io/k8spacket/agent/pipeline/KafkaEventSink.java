package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the agent's events to Kafka through one producer: connections to the TCP topic (value
 * {@link TcpConnectionEvent}) and TLS handshakes to the TLS topic (value {@link TlsHandshakeEvent}), both keyed
 * by client IP, without ever stalling the ring readers.
 *
 * <p>The bound: the encoded bytes (key + value) of the events taken and not yet acknowledged by Kafka may not
 * exceed {@code bufferBytes}. The ring readers only encode, reserve room and queue (never waiting); an event that
 * does not fit is dropped at once and counted in {@code k8spacket_agent_send_failures_total}. One sender thread
 * hands the queue to the producer (idempotent, {@code acks=all}), in order, and is the only one that ever waits:
 * for topic metadata and producer memory while Kafka is away (a broker that stops takes the producer's metadata
 * with it, so a send from the reader would fail there). Each event is given up, and counted, only after
 * {@code deliveryTimeoutMs} in the queue or in the producer. So during an outage the first {@code bufferBytes} of
 * events are kept and delivered in order when Kafka returns, every later one is counted, and nothing is lost
 * silently. Example (measured in KafkaOutageIT): bound 1 MiB, TCP events of 96 bytes, broker away: the next
 * 10 922 events are kept, the 10 923rd and all after it are dropped until acknowledgements free room again.
 *
 * <p>The producer's own memory ({@code buffer.memory}) is twice the bound plus 1 MiB, so batch slack and
 * compression never refuse what the bound admitted. Values are encoded on the caller's thread (Avro single-object
 * encoding). Each streak of drops logs one WARN when it starts and one INFO with its exact count when events flow
 * again.
 */
public final class KafkaEventSink implements EventSink {
  /** How long an event is kept for Kafka by default: 10 minutes. */
  public static final int DEFAULT_DELIVERY_TIMEOUT_MS = 600_000;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final int BATCH_BYTES = 64 * 1024;
  private static final long PRODUCER_SLACK_BYTES = 1 << 20;
  /** Longest one producer call of the sender thread waits for metadata or memory before it tries again. */
  private static final int SENDER_BLOCK_MS = 1_000;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final String tlsTopic;
  private final AvroSerde<TcpConnectionEvent> tcpSerde = AvroSerde.of(TcpConnectionEvent.class);
  private final AvroSerde<TlsHandshakeEvent> tlsSerde = AvroSerde.of(TlsHandshakeEvent.class);
  private final AvroMapper mapper;
  private final AgentMetrics metrics;
  private final long bufferBytes;
  private final long maxBlockNanos;
  private final long deliveryTimeoutNanos;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong streakDrops = new AtomicLong();
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread sender;
  private volatile boolean closed;
  private volatile long closeDeadline = Long.MAX_VALUE;

  /** An event taken within the bound, waiting for the sender thread. */
  private record Pending(ProducerRecord<String, byte[]> record, long size, long takenNanos) {}

  /** A producer for TCP events to {@code topic} and TLS events to {@link Topics#TLS}. */
  public KafkaEventSink(String bootstrap, String topic, String node, long bufferBytes, int maxBlockMs,
      Map<String, Object> extra, AgentMetrics metrics) {
    this(bootstrap, topic, Topics.TLS, node, bufferBytes, maxBlockMs, extra, metrics);
  }

  /** The sink with the default delivery timeout (10 minutes). */
  public KafkaEventSink(String bootstrap, String tcpTopic, String tlsTopic, String node, long bufferBytes,
      int maxBlockMs, Map<String, Object> extra, AgentMetrics metrics) {
    this(bootstrap, tcpTopic, tlsTopic, node, bufferBytes, maxBlockMs, DEFAULT_DELIVERY_TIMEOUT_MS, extra,
        metrics);
  }

  /**
   * A producer for {@code tcpTopic} and {@code tlsTopic} holding at most {@code bufferBytes} of unacknowledged
   * events, each kept for up to {@code deliveryTimeoutMs}, with {@code extra} settings (TLS, SASL; may not change
   * the delivery settings above). {@code maxBlockMs} is how long a reader's send may wait for room in the bound
   * (0, the default, = never).
   */
  public KafkaEventSink(String bootstrap, String tcpTopic, String tlsTopic, String node, long bufferBytes,
      int maxBlockMs, int deliveryTimeoutMs, Map<String, Object> extra, AgentMetrics metrics) {
    if (bufferBytes <= 0) {
      throw new IllegalArgumentException("bufferBytes must be positive, got " + bufferBytes);
    }
    Properties props = new Properties();
    props.putAll(extra);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "k8spacket-agent-" + node);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2 * bufferBytes + PRODUCER_SLACK_BYTES);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SENDER_BLOCK_MS);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = tcpTopic;
    this.tlsTopic = tlsTopic;
    this.mapper = new AvroMapper(node);
    this.metrics = metrics;
    this.bufferBytes = bufferBytes;
    this.maxBlockNanos = Duration.ofMillis(maxBlockMs).toNanos();
    this.deliveryTimeoutNanos = Duration.ofMillis(deliveryTimeoutMs).toNanos();
    this.sender = new Thread(this::sendLoop, "k8spacket-kafka-sender");
    this.sender.setDaemon(true);
    this.sender.start();
    LOG.info("Kafka sink: topics {} and {} at {}, keeps up to {} bytes of events for up to {} s while Kafka is"
        + " away", tcpTopic, tlsTopic, bootstrap, bufferBytes, deliveryTimeoutMs / 1000);
  }

  /**
   * Waits up to {@code timeout} until the partitions of {@code topics} are known, so that the first events go
   * out at once.
   */
  public boolean awaitMetadata(Duration timeout, String... topics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      try {
        boolean all = true;
        for (String t : topics) {
          all &= !producer.partitionsFor(t).isEmpty();
        }
        if (all) {
          return true;
        }
      } catch (RuntimeException e) {
        // not yet: Kafka away or topic missing
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    } while (System.nanoTime() < deadline && !closed);
    return false;
  }

  /** {@link #awaitMetadata(Duration, String...)} for the TCP topic. */
  public boolean awaitMetadata(Duration timeout) {
    return awaitMetadata(timeout, topic);
  }

  @Override
  public void send(TcpConnection connection) {
    publish(topic, AvroMapper.key(connection), () -> tcpSerde.encode(mapper.toAvro(connection)));
  }

  @Override
  public void send(TlsHandshakeEvent handshake) {
    publish(tlsTopic, handshake.getClientIp(), () -> tlsSerde.encode(handshake));
  }

  /** Encodes one record and queues it if it fits the bound; else drops and counts it. */
  private void publish(String target, String key, Supplier<byte[]> encode) {
    byte[] value;
    try {
      value = encode.get();
    } catch (RuntimeException e) {
      dropped(e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    long size = key.getBytes(StandardCharsets.UTF_8).length + (long) value.length;
    if (closed || !reserve(size)) {
      dropped(closed ? "sink closed" : "Kafka has not acknowledged " + pendingBytes.get()
          + " bytes of events, the bound is " + bufferBytes);
      return;
    }
    queue.add(new Pending(new ProducerRecord<>(target, key, value), size, System.nanoTime()));
  }

  /** Takes {@code size} bytes of the bound, waiting up to max block for room; false when they do not fit. */
  private boolean reserve(long size) {
    long deadline = System.nanoTime() + maxBlockNanos;
    while (true) {
      long now = pendingBytes.get();
      if (now + size > bufferBytes) {
        if (System.nanoTime() - deadline >= 0 || closed) {
          return false;
        }
        LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
      } else if (pendingBytes.compareAndSet(now, now + size)) {
        return true;
      }
    }
  }

  /** The sender thread: hands queued events to the producer in order, waiting for Kafka as long as allowed. */
  private void sendLoop() {
    try {
      while (!closed || !queue.isEmpty()) {
        Pending next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next != null) {
          hand(next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Pending left; (left = queue.poll()) != null; ) {
      release(left, "sink closed before Kafka took it");
    }
  }

  /** Hands one event to the producer, retrying while metadata or memory is missing, until its deadline. */
  private void hand(Pending p) {
    while (true) {
      long now = System.nanoTime();
      if (now - p.takenNanos() >= deliveryTimeoutNanos || now - closeDeadline >= 0) {
        release(p, "not handed to Kafka within " + (closed ? "the close timeout" : "the delivery timeout"));
        return;
      }
      RuntimeException[] synchronousFailure = new RuntimeException[1];
      long attempt = System.nanoTime();
      try {
        producer.send(p.record(), (metadata, error) -> {
          if (Thread.currentThread() == sender && error instanceof RetriableException r) {
            synchronousFailure[0] = r; // no metadata or no memory yet: this thread tries again
          } else if (error == null) {
            pendingBytes.addAndGet(-p.size());
            delivered();
          } else {
            release(p, error.getClass().getSimpleName() + ": " + error.getMessage());
          }
        });
      } catch (RuntimeException e) {
        release(p, e.getClass().getSimpleName() + ": " + e.getMessage());
        return;
      }
      if (synchronousFailure[0] == null) {
        return;
      }
      if (System.nanoTime() - attempt < Duration.ofMillis(10).toNanos()) {
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // failed at once: do not spin
      }
    }
  }

  /** Gives up on a taken event: frees its room and counts it. */
  private void release(Pending p, String why) {
    pendingBytes.addAndGet(-p.size());
    dropped(why);
  }

  private void delivered() {
    metrics.eventSent();
    if (dropping.get() && pendingBytes.get() <= bufferBytes / 2 && dropping.compareAndSet(true, false)) {
      LOG.info("Kafka sink takes events again: {} events were dropped and counted in this streak",
          streakDrops.getAndSet(0));
    }
  }

  /** Counts a lost event; the first of a streak is logged. */
  private void dropped(String why) {
    metrics.sendFailed();
    streakDrops.incrementAndGet();
    if (dropping.compareAndSet(false, true)) {
      LOG.warn("Kafka sink drops events for {} and {} until Kafka takes them again (each counted in"
          + " k8spacket_agent_send_failures_total): {}", topic, tlsTopic, why);
    }
  }

  /** Encoded bytes of the events taken and not yet acknowledged by Kafka (at most the bound). */
  @Override
  public long bufferedBytes() {
    return pendingBytes.get();
  }

  /**
   * Stops taking events, hands the queue to Kafka and flushes, for up to 5 s in all, then closes the producer;
   * what was not acknowledged by then is counted as dropped. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    long start = System.nanoTime();
    closeDeadline = start + CLOSE_TIMEOUT.toNanos();
    closed = true;
    try {
      sender.join(CLOSE_TIMEOUT.toMillis() + SENDER_BLOCK_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = CLOSE_TIMEOUT.toNanos() - (System.nanoTime() - start);
    producer.close(Duration.ofNanos(Math.max(0, left)));
  }
}
