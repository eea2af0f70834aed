package io.k8spacket.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.StreamsRunner;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.k8spacket.streams.metadata.MetadataChange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A temporary broker with every topic of the process's topology (no auto-creation), the endpoint metadata already
 * published, and a {@link StreamsRunner} on it, created but not yet started so a test can check the stores before.
 * Public for the ITs of other packages that chain a component in front of the topology.
 */
public final class StreamsOnBroker implements AutoCloseable {
  /** How long the runner may take to reach RUNNING, and a store to show what was produced. */
  public static final Duration WAIT = Duration.ofSeconds(120);

  private final EmbeddedKafkaBroker broker;
  private final StreamsRunner runner;

  private StreamsOnBroker(EmbeddedKafkaBroker broker, StreamsRunner runner) {
    this.broker = broker;
    this.runner = runner;
  }

  /** Starts the broker, creates the topics, publishes {@code metadata} and creates a runner of its own app id. */
  public static StreamsOnBroker create(String applicationIdPrefix, EndpointMetadata... metadata) throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary(Path.of("target", "it-kafka"));
    try {
      broker.createTopic(Topics.TCP, 2);
      broker.createCompactedTopic(Topics.METADATA, 2);
      broker.createTopic(Topics.CONNECTIONS, 2);
      broker.createTopic(Topics.TLS, 2);
      broker.createTopic(Topics.TLS_SESSIONS, 2);
      broker.createCompactedTopic(Topics.CERTIFICATES, 2);
      StreamsAppConfig config = StreamsAppConfig.fromEnv(Map.of(
          "K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
          "K8SPACKET_STREAMS_APPLICATION_ID", applicationIdPrefix + UUID.randomUUID(),
          "K8SPACKET_STREAMS_STATE_DIR", "target/it-streams-state",
          "K8SPACKET_STREAMS_REPLICATION_FACTOR", "1"));
      try (KafkaMetadataPublisher publisher = new KafkaMetadataPublisher(broker.bootstrapServers(),
          Topics.METADATA)) {
        publisher.publish(Stream.of(metadata).map(MetadataChange::upsert).toList());
      }
      return new StreamsOnBroker(broker, new StreamsRunner(config, new SimpleMeterRegistry()));
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
  }

  public StreamsRunner runner() {
    return runner;
  }

  /** The broker's address, for the test's own producers and consumers. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** Starts the runner and waits until it is RUNNING. */
  public void start() throws InterruptedException {
    runner.start();
    assertThat(runner.awaitRunning(WAIT)).isTrue();
  }

  /** Produces {@code records} to {@code topic}, each keyed by {@code key}, and waits for every acknowledgement. */
  @SafeVarargs
  public final <V extends SpecificRecord> void produce(String topic, Class<V> type, Function<V, String> key,
      V... records) {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), AvroSerde.of(type).serializer())) {
      for (V r : records) {
        producer.send(new ProducerRecord<>(topic, key.apply(r), r));
      }
      producer.flush();
    }
  }

  @Override
  public void close() {
    runner.close();
    broker.close();
  }
}
