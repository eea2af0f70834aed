package io.k8spacket.streams.metadata.k8s;

import static io.k8spacket.streams.metadata.k8s.K8sFixtures.controller;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.job;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.ownedBy;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.runningPod;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kubernetes source through the real Kafka publisher: record timestamps are the times of the changes. */
@EnableKubernetesMockClient(crud = true)
class KubernetesMetadataSourceIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  static EmbeddedKafkaBroker broker;

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.startTemporary(Path.of("target", "it-kafka"));
    broker.createCompactedTopic(Topics.METADATA, 2);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void an_ip_handed_over_reaches_the_topic_stamped_with_the_times_of_the_changes() {
    Instant aGotIp = NOW.minusSeconds(120);
    Instant aFinished = NOW.minusSeconds(60);
    Instant bGotIp = NOW.minusSeconds(30);
    client.resource(job("ops", "report-28730", "report")).create();
    Pod a = client.resource(ownedBy(runningPod("ops", "report-28730-x1", "node-2", aGotIp, "10.0.0.7"),
        controller("batch/v1", "Job", "report-28730"))).create();

    try (KafkaMetadataPublisher publisher = new KafkaMetadataPublisher(broker.bootstrapServers(), Topics.METADATA);
        KubernetesMetadataSource source = new KubernetesMetadataSource(client,
            KubernetesSourceOptions.of(Duration.ofMinutes(10), "default", "k8spacket-metadata-publisher",
                "streams-0"), Clock.fixed(NOW, ZoneOffset.UTC));
        KafkaConsumer<String, EndpointMetadata> consumer = consumer()) {
      source.start(publisher);
      consumer.subscribe(List.of(Topics.METADATA));
      List<ConsumerRecord<String, EndpointMetadata>> records = new ArrayList<>();
      awaitRecords(consumer, records, 1);
      client.pods().inNamespace("ops").resource(succeeded(a, aFinished)).updateStatus();
      awaitRecords(consumer, records, 2);
      client.resource(runningPod("shop", "web-1", "node-2", bGotIp, "10.0.0.7").build()).create();
      awaitRecords(consumer, records, 3);

      assertThat(records).extracting(ConsumerRecord::key).containsOnly("10.0.0.7");
      assertThat(records).extracting(ConsumerRecord::timestamp)
          .containsExactly(aGotIp.toEpochMilli(), aFinished.toEpochMilli(), bGotIp.toEpochMilli());
      assertThat(records.get(0).value().getWorkload()).isEqualTo("report");
      assertThat(records.get(0).value().getWorkloadKind()).isEqualTo("CronJob");
      assertThat(records.get(0).value().getChangedAtMs()).isEqualTo(aGotIp.toEpochMilli());
      assertThat(records.get(1).value()).as("tombstone").isNull();
      assertThat(records.get(2).value().getName()).isEqualTo("web-1");
      assertThat(records.get(2).value().getChangedAtMs()).isEqualTo(bGotIp.toEpochMilli());
    }
  }

  private static void awaitRecords(KafkaConsumer<String, EndpointMetadata> consumer,
      List<ConsumerRecord<String, EndpointMetadata>> records, int count) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      return records.size() >= count;
    });
  }

  private static KafkaConsumer<String, EndpointMetadata> consumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "metadata-it",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), AvroSerde.of(EndpointMetadata.class).deserializer());
  }
}
