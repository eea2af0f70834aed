package io.k8spacket.streams.topology;

import static io.k8spacket.streams.topology.Fixtures.event;
import static io.k8spacket.streams.topology.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.StreamsRunner;
import io.k8spacket.streams.metadata.KafkaMetadataPublisher;
import io.k8spacket.streams.metadata.MetadataChange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Poisoned input topics on a real broker under the whole topology: garbage, a record of another schema, a cut
 * record and a 2 MiB record (larger than the consumer's 1 MiB fetch size and the broker's default message limit;
 * the input topics allow 3 MiB here) on each of the three input topics, and on the TLS topic a 1.5 MB handshake
 * event that decodes but is too large to process. Each one becomes exactly one dead letter
 * with its original key, value and source coordinates, is counted by topic and reason, and the good records
 * after the poison are counted exactly.
 */
class PoisonedTopicsIT {
  private static final long T0 = (System.currentTimeMillis() / 60_000 - 10) * 60_000;
  private static final String WEB = "10.0.9.1";
  private static final String DB = "10.0.9.2";
  private static final String DEAD_LETTERS = "k8spacket.dead-letters.v1";
  private static final List<String> INPUTS = List.of(Topics.TCP, Topics.TLS, Topics.METADATA);
  private static final int HUGE_BYTES = 2 << 20;
  private static final Duration WAIT = Duration.ofSeconds(120);

  private static EmbeddedKafkaBroker broker;
  private static StreamsRunner runner;
  private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
  /** What was produced as poison, by topic and offset. */
  private static final List<Poison> POISON = new ArrayList<>();

  record Poison(String topic, long offset, byte[] key, byte[] value, String reason) {}

  @BeforeAll
  static void poisonEveryInputThenSendGoodRecords() throws Exception {
    broker = EmbeddedKafkaBroker.startTemporary(Path.of("target", "it-kafka"));
    Map<String, String> large = Map.of("max.message.bytes", String.valueOf(3 << 20));
    broker.createTopics(List.of(
        new NewTopic(Topics.TCP, 1, (short) 1).configs(large),
        new NewTopic(Topics.TLS, 1, (short) 1).configs(large),
        new NewTopic(Topics.METADATA, 1, (short) 1).configs(Map.of("max.message.bytes", String.valueOf(3 << 20),
            "cleanup.policy", "compact")),
        new NewTopic(Topics.CONNECTIONS, 1, (short) 1),
        new NewTopic(Topics.TLS_SESSIONS, 1, (short) 1),
        new NewTopic(Topics.CERTIFICATES, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(DEAD_LETTERS, 1, (short) 1)));
    runner = new StreamsRunner(StreamsAppConfig.fromEnv(Map.of(
        "K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "K8SPACKET_STREAMS_APPLICATION_ID", "poisoned-topics-it-" + UUID.randomUUID(),
        "K8SPACKET_STREAMS_STATE_DIR", "target/it-streams-state",
        "K8SPACKET_STREAMS_REPLICATION_FACTOR", "1")), REGISTRY);
    runner.start();
    assertThat(runner.awaitRunning(WAIT)).isTrue();

    TcpConnectionEvent tcp = event(Observer.CLIENT, WEB, 40000, DB, 5432, T0, T0 + 1_000, 1, 1);
    TlsHandshakeEvent tls = TlsFixtures.handshake(WEB, 40000, DB, 443, "db.shop", TlsFixtures.TLS13, 0x1302, T0,
        List.of());
    EndpointMetadata metadata = pod(WEB, "web-1", "shop", "web", T0 - 3_600_000);
    byte[] tcpBytes = AvroSerde.of(TcpConnectionEvent.class).encode(tcp);
    byte[] tlsBytes = AvroSerde.of(TlsHandshakeEvent.class).encode(tls);
    byte[] metadataBytes = AvroSerde.of(EndpointMetadata.class).encode(metadata);
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      for (String topic : INPUTS) {
        byte[] own = topic.equals(Topics.TCP) ? tcpBytes : topic.equals(Topics.TLS) ? tlsBytes : metadataBytes;
        byte[] other = topic.equals(Topics.TLS) ? tcpBytes : tlsBytes;
        poison(producer, topic, "garbage", "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8), "bad_header");
        poison(producer, topic, "other-schema", other, "unknown_schema");
        poison(producer, topic, "cut", Arrays.copyOf(own, own.length / 2), "malformed");
        poison(producer, topic, "huge", garbage(HUGE_BYTES), "too_large");
      }
      // a record that decodes but is too large to process (its outputs would exceed the 1 MiB message limit)
      poison(producer, Topics.TLS, "huge-valid", AvroSerde.of(TlsHandshakeEvent.class).encode(TlsFixtures.handshake(
          WEB, 40001, DB, 443, "x".repeat(1_500_000), TlsFixtures.TLS13, 0x1302, T0, List.of())), "too_large");
    }
    try (KafkaMetadataPublisher publisher = new KafkaMetadataPublisher(broker.bootstrapServers(),
        Topics.METADATA)) {
      publisher.publish(List.of(MetadataChange.upsert(metadata),
          MetadataChange.upsert(pod(DB, "db-0", "shop", "db", T0 - 3_600_000))));
    }
    // every poison record is behind the app (its dead letter committed) before the good records come
    await().atMost(WAIT).until(() -> deadLetters().size() >= POISON.size());
    TcpConnectionEvent[] good = new TcpConnectionEvent[5];
    for (int i = 0; i < good.length; i++) {
      good[i] = event(Observer.CLIENT, WEB, 41000 + i, DB, 5432, T0 + 1_000 * i, T0 + 1_000 * i + 500,
          100 + i, 1000 + i);
    }
    produce(Topics.TCP, TcpConnectionEvent.class, good);
    produce(Topics.TLS, TlsHandshakeEvent.class,
        TlsFixtures.handshake(WEB, 42000, DB, 443, "db.shop", TlsFixtures.TLS13, 0x1302, T0 + 2_000, List.of()),
        TlsFixtures.handshake(WEB, 42001, DB, 443, "db.shop", TlsFixtures.TLS13, 0x1302, T0 + 3_000, List.of()));
  }

  @AfterAll
  static void stop() {
    if (runner != null) {
      runner.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void every_poisoned_record_becomes_one_dead_letter_with_its_key_value_source_and_reason() {
    List<ConsumerRecord<byte[], byte[]>> letters = deadLetters();
    assertThat(letters).hasSize(POISON.size());
    for (Poison p : POISON) {
      ConsumerRecord<byte[], byte[]> letter = letters.stream()
          .filter(r -> header(r, DeadLetters.TOPIC_HEADER).equals(p.topic())
              && header(r, DeadLetters.OFFSET_HEADER).equals(String.valueOf(p.offset())))
          .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + p.topic() + "@" + p.offset()));
      assertThat(letter.key()).isEqualTo(p.key());
      assertThat(header(letter, DeadLetters.PARTITION_HEADER)).isEqualTo("0");
      assertThat(header(letter, DeadLetters.REASON_HEADER)).as("%s@%d", p.topic(), p.offset())
          .isEqualTo(p.reason());
      assertThat(header(letter, DeadLetters.VALUE_BYTES_HEADER)).isEqualTo(String.valueOf(p.value().length));
      assertThat(header(letter, DeadLetters.EXCEPTION_HEADER)).isNotBlank();
      if (p.value().length + p.key().length <= DeadLetters.MAX_BYTES) {
        assertThat(letter.value()).isEqualTo(p.value());
      } else {
        assertThat(letter.value()).hasSize(DeadLetters.MAX_BYTES - p.key().length)
            .isEqualTo(Arrays.copyOf(p.value(), DeadLetters.MAX_BYTES - p.key().length));
      }
    }
  }

  @Test
  void each_skip_is_counted_by_topic_and_reason() {
    for (String topic : INPUTS) {
      assertThat(skipped(topic, "bad_header")).as(topic).isEqualTo(1.0);
      assertThat(skipped(topic, "unknown_schema")).as(topic).isEqualTo(1.0);
      assertThat(skipped(topic, "malformed")).as(topic).isEqualTo(1.0);
      assertThat(skipped(topic, "too_large")).as(topic).isEqualTo(topic.equals(Topics.TLS) ? 2.0 : 1.0);
    }
  }

  @Test
  void good_records_after_the_poison_are_counted_exactly_and_named_by_the_metadata_after_the_poison() {
    await().atMost(WAIT).ignoreException(StoreUnavailableException.class).untilAsserted(() -> {
      List<EdgeSample> edges = runner.edgeReader().edges(T0 - 60_000, T0 + 120_000);
      assertThat(edges).isNotEmpty().allSatisfy(e -> {
        assertThat(e.client().name()).isEqualTo("web-1");
        assertThat(e.server().name()).isEqualTo("db-0");
      });
      assertThat(edges.stream().mapToLong(EdgeSample::connCount).sum()).isEqualTo(5);
      assertThat(edges.stream().mapToLong(EdgeSample::bytesSent).sum()).isEqualTo(100 + 101 + 102 + 103 + 104);
      assertThat(edges.stream().mapToLong(EdgeSample::bytesReceived).sum())
          .isEqualTo(1000 + 1001 + 1002 + 1003 + 1004);
    });
    await().atMost(WAIT).until(() -> REGISTRY.find(TlsMetrics.HANDSHAKES).counters().stream()
        .mapToDouble(c -> c.count()).sum() == 2.0);
    assertThat(runner.state()).hasToString("RUNNING");
  }

  private static double skipped(String topic, String reason) {
    var counter = REGISTRY.find(LogAndCountDeserializationHandler.SKIPPED_METRIC).tag("topic", topic)
        .tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private static void poison(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value,
      String reason) throws Exception {
    byte[] keyBytes = (key + "-" + topic).getBytes(StandardCharsets.UTF_8);
    long offset = producer.send(new ProducerRecord<>(topic, keyBytes, value)).get().offset();
    POISON.add(new Poison(topic, offset, keyBytes, value, reason));
  }

  /** Random bytes that do not start with the single-object marker. */
  private static byte[] garbage(int length) {
    byte[] bytes = new byte[length];
    new Random(7).nextBytes(bytes);
    bytes[0] = 'x';
    return bytes;
  }

  private static KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  @SafeVarargs
  private static <V extends org.apache.avro.specific.SpecificRecord> void produce(String topic, Class<V> type,
      V... records) throws Exception {
    AvroSerde<V> serde = AvroSerde.of(type);
    try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
      for (V r : records) {
        producer.send(new ProducerRecord<>(topic, WEB.getBytes(StandardCharsets.UTF_8), serde.encode(r))).get();
      }
    }
  }

  /** Every committed dead letter so far. */
  private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letters-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(DEAD_LETTERS));
      for (int emptyPolls = 0, polls = 0; emptyPolls < 3 && polls < 60; polls++) {
        int before = records.size();
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        emptyPolls = records.size() == before && !consumer.assignment().isEmpty() ? emptyPolls + 1 : 0;
      }
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
