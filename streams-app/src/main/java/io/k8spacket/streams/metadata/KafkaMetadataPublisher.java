package io.k8spacket.streams.metadata;

import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.schema.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes metadata changes to the compacted metadata topic: key = IP, value = {@link EndpointMetadata} or a
 * tombstone, record timestamp = the time the change was seen (the versioned table orders versions by it).
 * Idempotent producer with acks=all; {@link #publish} waits for every acknowledgement.
 */
public final class KafkaMetadataPublisher implements MetadataPublisher {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

  private final Producer<String, EndpointMetadata> producer;
  private final String topic;

  public KafkaMetadataPublisher(String bootstrapServers, String topic) {
    this(bootstrapServers, topic, new Properties());
  }

  /** A publisher with extra Kafka client settings ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}). */
  public KafkaMetadataPublisher(String bootstrapServers, String topic, Properties clientConfig) {
    this.topic = topic;
    Map<String, Object> config = new HashMap<>();
    clientConfig.forEach((k, v) -> config.put((String) k, v));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "k8spacket-metadata-publisher");
    this.producer = new KafkaProducer<>(config, new StringSerializer(),
        AvroSerde.of(EndpointMetadata.class).serializer());
  }

  @Override
  public void publish(List<MetadataChange> changes) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(changes.size());
    for (MetadataChange c : changes) {
      acks.add(producer.send(new ProducerRecord<>(topic, null, c.seenAtMs(), c.ip(), c.metadata())));
    }
    producer.flush();
    try {
      for (Future<RecordMetadata> ack : acks) {
        ack.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing metadata to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot publish metadata to " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
