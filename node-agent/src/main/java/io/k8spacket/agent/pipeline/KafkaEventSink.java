package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the agent's events to Kafka through one producer: connections to the TCP topic (value
 * {@link TcpConnectionEvent}) and TLS handshakes to the TLS topic (value {@link TlsHandshakeEvent}), both keyed
 * by client IP, without ever stalling the ring readers: the producer is idempotent with {@code acks=all} and
 * buffers up to a fixed amount while Kafka is away; a send that would not fit, or that follows a failure within
 * a second, is dropped at once and counted, whatever its topic (a send that cannot get metadata waits at most
 * {@code max.block.ms}, then fails through the callback). Values are encoded on the caller's thread (Avro
 * single-object encoding). Each outage logs one WARN when it starts and one INFO when it ends, never one line
 * per event.
 */
public final class KafkaEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final long BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();
  private static final int BATCH_BYTES = 64 * 1024;

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final String tlsTopic;
  private final AvroSerde<TcpConnectionEvent> tcpSerde = AvroSerde.of(TcpConnectionEvent.class);
  private final AvroSerde<TlsHandshakeEvent> tlsSerde = AvroSerde.of(TlsHandshakeEvent.class);
  private final AvroMapper mapper;
  private final AgentMetrics metrics;
  private final long bufferBytes;
  private final Metric bufferAvailable;
  private final AtomicBoolean outage = new AtomicBoolean();
  private volatile long backoffUntil;
  private volatile boolean closed;

  /** A producer for TCP events to {@code topic} and TLS events to {@link Topics#TLS}. */
  public KafkaEventSink(String bootstrap, String topic, String node, long bufferBytes, int maxBlockMs,
      Map<String, Object> extra, AgentMetrics metrics) {
    this(bootstrap, topic, Topics.TLS, node, bufferBytes, maxBlockMs, extra, metrics);
  }

  /**
   * A producer for {@code tcpTopic} and {@code tlsTopic} with the given settings plus {@code extra} (TLS, SASL;
   * may not change the delivery settings above).
   */
  public KafkaEventSink(String bootstrap, String tcpTopic, String tlsTopic, String node, long bufferBytes,
      int maxBlockMs, Map<String, Object> extra, AgentMetrics metrics) {
    Properties props = new Properties();
    props.putAll(extra);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "k8spacket-agent-" + node);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferBytes);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = tcpTopic;
    this.tlsTopic = tlsTopic;
    this.mapper = new AvroMapper(node);
    this.metrics = metrics;
    this.bufferBytes = bufferBytes;
    this.bufferAvailable = producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("buffer-available-bytes") && e.getKey().group().equals("producer-metrics"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    LOG.info("Kafka sink: topics {} and {} at {}, buffer {} MiB", tcpTopic, tlsTopic, bootstrap,
        bufferBytes >> 20);
  }

  /**
   * Waits up to {@code timeout} until the partitions of {@code topics} are known, so the first sends need not
   * wait.
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

  /** Encodes and hands one record to the producer, unless Kafka is failing or the buffer is full. */
  private void publish(String target, String key, Supplier<byte[]> encode) {
    if (!admitted()) {
      return;
    }
    byte[] value;
    try {
      value = encode.get();
    } catch (RuntimeException e) {
      dropped(e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    send(new ProducerRecord<>(target, key, value));
  }

  /** False (and the event counted as dropped) while Kafka is failing or the buffer is full. */
  private boolean admitted() {
    if (System.nanoTime() < backoffUntil || bufferedBytes() > bufferBytes - BATCH_BYTES) {
      dropped("producer buffer full or Kafka unreachable");
      return false;
    }
    return true;
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record, (metadata, error) -> {
        if (error == null) {
          metrics.eventSent();
          if (outage.compareAndSet(true, false)) {
            LOG.info("Kafka reachable again, events flow to {}", record.topic());
          }
        } else {
          dropped(error.getClass().getSimpleName() + ": " + error.getMessage());
        }
      });
    } catch (RuntimeException e) {
      dropped(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Counts a lost event and stops trying for a second, so an outage costs the reader one wait per second. */
  private void dropped(String why) {
    backoffUntil = System.nanoTime() + BACKOFF_NANOS;
    metrics.sendFailed();
    if (outage.compareAndSet(false, true)) {
      LOG.warn("Kafka outage: dropping events for {} and {} until it recovers (counted in"
          + " k8spacket_agent_send_failures_total): {}", topic, tlsTopic, why);
    }
  }

  @Override
  public long bufferedBytes() {
    Object available = bufferAvailable == null ? null : bufferAvailable.metricValue();
    return available instanceof Number n ? bufferBytes - n.longValue() : 0;
  }

  /** Flushes for up to 5 s, then closes the producer; idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      producer.close(Duration.ofSeconds(5));
    }
  }
}
