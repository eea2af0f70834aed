package io.k8spacket.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.avro.CloseKind;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka sink against a real (in-process) broker, and against no broker at all. */
class KafkaEventSinkIT {
  private static final String TOPIC = "k8spacket.tcp.it";
  private static final String TLS_TOPIC = "k8spacket.tls.it";
  @TempDir
  static Path dataDir;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(dataDir, 0);
    broker.createTopic(TOPIC, 1);
    broker.createTopic(TLS_TOPIC, 1);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void events_arrive_keyed_by_client_ip_with_every_field() throws Exception {
    AgentMetrics metrics = new AgentMetrics();
    TcpConnection v6 = AvroMapperTest.ipv6Connection();
    TcpConnection v4 = new TcpConnection(TcpConnection.AddressFamily.IPV4, InetAddress.getByName("10.231.1.1"),
        43151, InetAddress.getByName("10.231.1.2"), 40991, TcpConnection.Observer.CLIENT,
        TcpConnection.CloseKind.NORMAL, 123457, 765433, 116, 545, 0, 64, 20, 4026532176L, 1_000, 2_000, 900);
    try (KafkaEventSink sink = new KafkaEventSink(broker.bootstrapServers(), TOPIC, "node-it", 4 << 20, 1000,
        Map.of(), metrics)) {
      assertThat(sink.awaitMetadata(Duration.ofSeconds(30))).isTrue();
      sink.send(v6);
      sink.send(v4);
      await().atMost(Duration.ofSeconds(30)).until(() -> metrics.value("k8spacket.agent.events.sent") == 2);
    }

    List<ConsumerRecord<String, TcpConnectionEvent>> records = readAll(2);
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("fd00:231:1::1", "10.231.1.1");
    assertThat(records.get(0).value()).isEqualTo(new AvroMapper("node-it").toAvro(v6));
    TcpConnectionEvent e = records.get(1).value();
    assertThat(e.getClientIp()).isEqualTo("10.231.1.1");
    assertThat(e.getClientPort()).isEqualTo(43151);
    assertThat(e.getServerIp()).isEqualTo("10.231.1.2");
    assertThat(e.getServerPort()).isEqualTo(40991);
    assertThat(e.getObserver()).isEqualTo(Observer.CLIENT);
    assertThat(e.getNode()).isEqualTo("node-it");
    assertThat(e.getBytesClientToServer()).isEqualTo(123457);
    assertThat(e.getBytesServerToClient()).isEqualTo(765433);
    assertThat(e.getSegmentsClientToServer()).isEqualTo(116);
    assertThat(e.getSegmentsServerToClient()).isEqualTo(545);
    assertThat(e.getSrttMicros()).isEqualTo(64);
    assertThat(e.getNetnsCookie()).isEqualTo(20);
    assertThat(e.getNetnsInode()).isEqualTo(4026532176L);
    assertThat(e.getOpenTimeNs()).isEqualTo(1_000);
    assertThat(e.getCloseTimeNs()).isEqualTo(2_000);
    assertThat(e.getCloseKind()).isEqualTo(CloseKind.NORMAL);
    assertThat(metrics.value("k8spacket.agent.send.failures")).isZero();
  }

  @Test
  void tls_handshakes_share_the_producer_and_arrive_on_their_own_topic_keyed_by_client_ip() throws Exception {
    AgentMetrics metrics = new AgentMetrics();
    TlsHandshakeEvent handshake = TlsHandshakeEvent.newBuilder().setFamily(AddressFamily.IPV6)
        .setClientIp("fd00:231:1::1").setClientPort(40000).setServerIp("fd00:231:1::2").setServerPort(443)
        .setNode("node-it").setObservedAtNs(3_000).setServerName("server.k8sp.test").build();
    try (KafkaEventSink sink = new KafkaEventSink(broker.bootstrapServers(), TOPIC, TLS_TOPIC, "node-it", 4 << 20,
        1000, Map.of(), metrics)) {
      assertThat(sink.awaitMetadata(Duration.ofSeconds(30), TOPIC, TLS_TOPIC)).isTrue();
      sink.send(handshake);
      await().atMost(Duration.ofSeconds(30)).until(() -> metrics.value("k8spacket.agent.events.sent") == 1);
    }

    List<ConsumerRecord<String, TlsHandshakeEvent>> records = readAll(TLS_TOPIC, TlsHandshakeEvent.class, 1);
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("fd00:231:1::1");
    assertThat(records.get(0).value()).isEqualTo(handshake);
  }

  @Test
  void without_kafka_sends_return_at_once_are_kept_within_the_bound_and_counted_when_given_up() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    AgentMetrics metrics = new AgentMetrics();
    TcpConnection c = AvroMapperTest.ipv6Connection();
    try (KafkaEventSink sink = new KafkaEventSink("127.0.0.1:" + closedPort, TOPIC, "node-it", 1 << 20, 0,
        Map.of(), metrics)) {
      sink.send(c); // the first encodes cold (class loading)
      long start = System.nanoTime();
      for (int i = 0; i < 999; i++) {
        sink.send(c);
      }
      sink.send(TlsHandshakeEvent.newBuilder().setFamily(AddressFamily.IPV4).setClientIp("10.0.0.1")
          .setClientPort(1).setServerIp("10.0.0.2").setServerPort(443).setNode("n").setObservedAtNs(1).build());
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;

      assertThat(elapsedMs).as("1000 sends without Kafka, ms").isLessThan(1000);
      assertThat(sink.bufferedBytes()).as("kept for Kafka").isPositive().isLessThanOrEqualTo(1 << 20);
      assertThat(metrics.value("k8spacket.agent.send.failures")).isZero();
    }
    // closing gives them up: every one is counted, none was sent
    assertThat(metrics.value("k8spacket.agent.send.failures")).isEqualTo(1001);
    assertThat(metrics.value("k8spacket.agent.events.sent")).isZero();
  }

  private static List<ConsumerRecord<String, TcpConnectionEvent>> readAll(int count) {
    return readAll(TOPIC, TcpConnectionEvent.class, count);
  }

  private static <T extends SpecificRecord> List<ConsumerRecord<String, T>> readAll(String topic, Class<T> type,
      int count) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "sink-it-" + topic,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, T>> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        AvroSerde.of(type).deserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.size() >= count;
      });
    }
    return records;
  }
}
