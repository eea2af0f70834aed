package io.k8spacket.agent.pipeline;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes connections to Kafka (key = client IP, value = {@link TcpConnectionEvent}) without ever stalling the
 * ring reader: the producer is idempotent with {@code acks=all} and buffers up to a fixed amount while Kafka is
 * away; a send that would not fit, or that follows a failure within a second, is dropped at once and counted
 * (a send that cannot get metadata waits at most {@code max.block.ms}, then fails through the callback).
 * Each outage logs one WARN when it starts and one INFO when it ends, never one line per event.
 */
public final class KafkaEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);
  private static final long BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();
  private static final int BATCH_BYTES = 64 * 1024;

  private final KafkaProducer<String, TcpConnectionEvent> producer;
  private final String topic;
  private final AvroMapper mapper;
  private final AgentMetrics metrics;
  private final long bufferBytes;
  private final Metric bufferAvailable;
  private final AtomicBoolean outage = new AtomicBoolean();
  private volatile long backoffUntil;
  private volatile boolean closed;

  /**
   * A producer for {@code topic} with the given settings plus {@code extra} (TLS, SASL; may not change the
   * delivery settings above).
   */
  public KafkaEventSink(String bootstrap, String topic, String node, long bufferBytes, int maxBlockMs,
      Map<String, Object> extra, AgentMetrics metrics) {
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
    this.producer = new KafkaProducer<>(props, new StringSerializer(),
        AvroSerde.of(TcpConnectionEvent.class).serializer());
    this.topic = topic;
    this.mapper = new AvroMapper(node);
    this.metrics = metrics;
    this.bufferBytes = bufferBytes;
    this.bufferAvailable = producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("buffer-available-bytes") && e.getKey().group().equals("producer-metrics"))
        .map(Map.Entry::getValue).findFirst().orElse(null);
    LOG.info("Kafka sink: topic {} at {}, buffer {} MiB", topic, bootstrap, bufferBytes >> 20);
  }

  /** Waits up to {@code timeout} until the topic's partitions are known, so the first sends need not wait. */
  public boolean awaitMetadata(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      try {
        if (!producer.partitionsFor(topic).isEmpty()) {
          return true;
        }
      } catch (RuntimeException e) {
        // not yet: Kafka away or topic missing
      }
    } while (System.nanoTime() < deadline && !closed);
    return false;
  }

  @Override
  public void send(TcpConnection connection) {
    if (System.nanoTime() < backoffUntil || bufferedBytes() > bufferBytes - BATCH_BYTES) {
      dropped("producer buffer full or Kafka unreachable");
      return;
    }
    ProducerRecord<String, TcpConnectionEvent> record =
        new ProducerRecord<>(topic, AvroMapper.key(connection), mapper.toAvro(connection));
    try {
      producer.send(record, (metadata, error) -> {
        if (error == null) {
          metrics.eventSent();
          if (outage.compareAndSet(true, false)) {
            LOG.info("Kafka reachable again, events flow to {}", topic);
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
      LOG.warn("Kafka outage: dropping TCP events for {} until it recovers (counted in"
          + " k8spacket_agent_send_failures_total): {}", topic, why);
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
