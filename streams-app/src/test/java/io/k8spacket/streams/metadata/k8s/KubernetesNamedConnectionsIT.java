package io.k8spacket.streams.metadata.k8s;

import static io.k8spacket.streams.metadata.k8s.K8sFixtures.controller;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.job;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.ownedBy;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.replicaSet;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.runningPod;
import static io.k8spacket.streams.metadata.k8s.K8sFixtures.succeeded;
import static io.k8spacket.streams.topology.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8spacket.avro.Connection;
import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.EndpointView;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.k8spacket.streams.query.StreamsOnBroker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The chain a cluster runs, in one test: fabric8's mock API server (CRUD) → the real
 * {@link KubernetesMetadataSource} publishing through {@link KafkaMetadataPublisher} to the metadata topic of an
 * in-process broker → the process's topology on a real KafkaStreams, fed TCP events → edges and named connections.
 * An IP passes from a Job's pod to a Deployment's pod; connections are named by who held it at their close.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesNamedConnectionsIT {
  /** The source's clock: changes the API gives no time for are dated now; none here. */
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final Duration METADATA_WAIT = Duration.ofSeconds(60);
  private static final String IP = "10.0.0.7";
  private static final String DB = "10.0.0.2";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void an_ip_handed_over_from_a_job_pod_to_a_deployment_pod_names_connections_by_who_held_it_at_their_close()
      throws Exception {
    Instant dbGotIp = NOW.minusSeconds(400);
    Instant aGotIp = NOW.minusSeconds(300);
    Instant aFinished = NOW.minusSeconds(200);
    Instant bGotIp = NOW.minusSeconds(120);
    long beforeMs = NOW.minusSeconds(250).toEpochMilli();   // A holds the IP
    long betweenMs = NOW.minusSeconds(150).toEpochMilli();  // nobody does
    long afterMs = NOW.minusSeconds(60).toEpochMilli();     // B holds it
    client.resource(job("ops", "report-28730", "report")).create();
    client.resource(replicaSet("shop", "web-5d9c7", "web")).create();
    client.resource(ownedBy(runningPod("shop", "db-0", "node-1", dbGotIp, DB),
        controller("apps/v1", "StatefulSet", "db"))).create();
    // pod A (of the Job) created: pending, no IP yet
    client.resource(pending(ownedBy(runningPod("ops", "report-28730-x1", "node-2", aGotIp, IP),
        controller("batch/v1", "Job", "report-28730")))).create();

    try (StreamsOnBroker streams = StreamsOnBroker.create("k8s-named-connections-it-");
        KafkaMetadataPublisher publisher = new KafkaMetadataPublisher(streams.bootstrapServers(), Topics.METADATA);
        KubernetesMetadataSource source = new KubernetesMetadataSource(client,
            KubernetesSourceOptions.of(Duration.ofMinutes(10), "default", "k8spacket-metadata-publisher",
                    "streams-0")
                .withLeaseTimings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200)),
            Clock.fixed(NOW, ZoneOffset.UTC));
        KafkaConsumer<String, EndpointMetadata> metadata = consumer(streams, Topics.METADATA, EndpointMetadata.class);
        KafkaConsumer<String, Connection> connections = consumer(streams, Topics.CONNECTIONS, Connection.class)) {
      streams.start();
      source.start(publisher);
      List<ConsumerRecord<String, EndpointMetadata>> published = new ArrayList<>();
      awaitRecords(metadata, published, 1);                           // the start: db-0 only
      makeReady(runningPod("ops", "report-28730-x1", "node-2", aGotIp, IP).build());
      awaitRecords(metadata, published, 2);                           // A got the IP
      Pod a = client.pods().inNamespace("ops").withName("report-28730-x1").get();
      client.pods().inNamespace("ops").resource(succeeded(a, aFinished)).updateStatus();
      awaitRecords(metadata, published, 3);                           // A terminated: released
      // pod B (of the Deployment) replaces it: created pending, then ready with the same IP
      client.resource(pending(ownedBy(runningPod("shop", "web-5d9c7-abcde", "node-2", bGotIp, IP),
          controller("apps/v1", "ReplicaSet", "web-5d9c7")))).create();
      makeReady(runningPod("shop", "web-5d9c7-abcde", "node-2", bGotIp, IP).build());
      awaitRecords(metadata, published, 4);                           // B got it

      // the topic: each change stamped with when it happened, as the API tells it
      assertThat(published).extracting(ConsumerRecord::key, ConsumerRecord::timestamp,
              r -> r.value() == null ? null : r.value().getName(),
              r -> r.value() == null ? null : r.value().getWorkload(),
              r -> r.value() == null ? null : r.value().getWorkloadKind())
          .containsExactly(
              tuple(DB, dbGotIp.toEpochMilli(), "db-0", "db", "StatefulSet"),
              tuple(IP, aGotIp.toEpochMilli(), "report-28730-x1", "report", "CronJob"),
              tuple(IP, aFinished.toEpochMilli(), null, null, null),
              tuple(IP, bGotIp.toEpochMilli(), "web-5d9c7-abcde", "web", "Deployment"));

      streams.produce(Topics.TCP, TcpConnectionEvent.class, TcpConnectionEvent::getClientIp,
          event(Observer.CLIENT, IP, 40000, DB, 5432, beforeMs - 10_000, beforeMs, 100, 1000),
          event(Observer.CLIENT, IP, 40001, DB, 5432, betweenMs - 10_000, betweenMs, 20, 200),
          event(Observer.CLIENT, IP, 40002, DB, 5432, afterMs - 10_000, afterMs, 3, 30));

      EndpointView a1 = new EndpointView(IP, "report-28730-x1", "ops", "report", "CronJob", "pod");
      EndpointView nobody = new EndpointView(IP, IP, null, null, null, "unknown");
      EndpointView b1 = new EndpointView(IP, "web-5d9c7-abcde", "shop", "web", "Deployment", "pod");
      EndpointView db0 = new EndpointView(DB, "db-0", "shop", "db", "StatefulSet", "pod");
      EdgeReader edges = streams.runner().edgeReader();
      await().atMost(StreamsOnBroker.WAIT).ignoreException(StoreUnavailableException.class)
          .untilAsserted(() -> assertThat(edges.edges(NOW.minusSeconds(3600).toEpochMilli(), NOW.toEpochMilli()))
              .containsExactlyInAnyOrder(
                  sample(beforeMs, a1, db0, 100, 1000),
                  sample(betweenMs, nobody, db0, 20, 200),
                  sample(afterMs, b1, db0, 3, 30)));
      List<ConsumerRecord<String, Connection>> out = new ArrayList<>();
      awaitRecords(connections, out, 3);
      assertThat(out).extracting(ConsumerRecord::key, r -> r.value().getClient().getName(),
              r -> r.value().getServer().getName(), r -> r.value().getBytesClientToServer())
          .containsExactlyInAnyOrder(
              tuple("ops/report", "report-28730-x1", "db-0", 100L),
              tuple(IP, IP, "db-0", 20L),
              tuple("shop/web", "web-5d9c7-abcde", "db-0", 3L));
    }
  }

  /** One connection of 10 s closing at {@code closeMs}, alone in its 1-minute window. */
  /** One connection to port 5432 closing at {@code closeMs}, alone in its window and edge. */
  private static EdgeSample sample(long closeMs, EndpointView client, EndpointView server, long sent,
      long received) {
    long start = closeMs - closeMs % 60_000;
    return new EdgeSample(start, start + 60_000, client, server, null, 1, 0, sent, received, 10_000, 10_000, closeMs,
        List.of(5432));
  }

  /** {@code pod} as just created: phase Pending, no IP, no conditions. */
  private static Pod pending(Pod pod) {
    return new PodBuilder(pod).withNewStatus().withPhase("Pending").endStatus().build();
  }

  /** The API's copy of {@code ready} (same namespace and name) takes its status: running, with its IPs. */
  private void makeReady(Pod ready) {
    String namespace = ready.getMetadata().getNamespace();
    Pod current = client.pods().inNamespace(namespace).withName(ready.getMetadata().getName()).get();
    PodStatus status = ready.getStatus();
    client.pods().inNamespace(namespace).resource(new PodBuilder(current).withStatus(status).build()).updateStatus();
  }

  private static <V> void awaitRecords(KafkaConsumer<String, V> consumer, List<ConsumerRecord<String, V>> records,
      int count) {
    await().atMost(METADATA_WAIT).until(() -> {
      consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      return records.size() >= count;
    });
    assertThat(records).hasSize(count);
  }

  private static <V extends SpecificRecord> KafkaConsumer<String, V> consumer(StreamsOnBroker streams, String topic,
      Class<V> type) {
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, streams.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "k8s-named-connections-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), AvroSerde.of(type).deserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }
}
