package io.k8spacket.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {
  private static final Path WORK = Path.of("target", "it-kafka");

  @Test
  void records_survive_a_restart_on_the_same_data_dir() throws Exception {
    Files.createDirectories(WORK);
    Path dir = Files.createTempDirectory(WORK, "restart-");
    int port;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
      port = broker.port();
      broker.createTopic("t", 2);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          "bootstrap.servers", broker.bootstrapServers(), "acks", "all", "enable.idempotence", "true"),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("t", "k" + i, "v" + i)).get();
        }
      }
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, port)) {
      broker.createTopic("t", 2); // exists: left alone
      assertThat(readAll(broker, "t", 10)).containsExactlyInAnyOrder(
          "k0=v0", "k1=v1", "k2=v2", "k3=v3", "k4=v4", "k5=v5", "k6=v6", "k7=v7", "k8=v8", "k9=v9");
    }
  }

  @Test
  void a_taken_port_is_refused_with_a_clear_message() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary(WORK)) {
      assertThatThrownBy(() -> EmbeddedKafkaBroker.start(Files.createTempDirectory(WORK, "x-"), broker.port()))
          .isInstanceOf(EmbeddedKafkaBroker.PortInUseException.class)
          .hasMessage("port " + broker.port() + " is in use (Kafka broker); choose another with --kafka-port");
    }
  }

  private static List<String> readAll(EmbeddedKafkaBroker broker, String topic, int expected) {
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", broker.bootstrapServers(), "group.id", "it", "auto.offset.reset", "earliest"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (seen.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key() + "=" + r.value());
        }
      }
    }
    return seen;
  }
}
