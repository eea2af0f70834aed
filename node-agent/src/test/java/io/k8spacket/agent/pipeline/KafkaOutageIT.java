package io.k8spacket.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka away: the in-process broker is stopped under traffic and started again on the same data directory and
 * port, while the sink keeps taking events. Every event carries a sequence number (in its client-to-server
 * bytes), so the test knows which ones arrived: those the bound held all do, exactly once, and the drop counter
 * equals the rest to the event.
 */
class KafkaOutageIT {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaOutageIT.class);
  private static final String TOPIC = "k8spacket.tcp.outage";
  private static final String NODE = "node-outage";
  /** Sequence numbers start here so that every event encodes to the same size (3-byte varint). */
  private static final long SEQ_BASE = 1_000_000;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dataDir;
  private EmbeddedKafkaBroker broker;

  @AfterEach
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void a_60_second_outage_under_steady_traffic_loses_nothing_within_the_bound() throws Exception {
    broker = EmbeddedKafkaBroker.start(dataDir, 0);
    int port = broker.port();
    broker.createTopic(TOPIC, 3);
    AgentMetrics metrics = new AgentMetrics();
    long bound = 32L << 20;
    try (KafkaEventSink sink = sink(bound, metrics)) {
      assertThat(sink.awaitMetadata(Duration.ofSeconds(30), TOPIC)).isTrue();
      SteadyTraffic traffic = new SteadyTraffic(sink, 200);
      await().atMost(WAIT).until(() -> traffic.sent() >= 1_000); // 5 s with Kafka
      await().atMost(WAIT).until(() -> metrics.value("k8spacket.agent.events.sent") >= 900);

      broker.close();
      long downAt = System.nanoTime();
      long sentBefore = traffic.sent();
      await().atMost(WAIT).until(() -> System.nanoTime() - downAt >= Duration.ofSeconds(60).toNanos());
      long sentDuring = traffic.sent() - sentBefore;
      long heldBytes = sink.bufferedBytes();
      broker = EmbeddedKafkaBroker.start(dataDir, port);
      double outageSeconds = (System.nanoTime() - downAt) / 1e9;

      long restartedAt = traffic.sent();
      await().atMost(WAIT).until(() -> traffic.sent() >= restartedAt + 1_000); // 5 s after the return
      long total = traffic.stop();
      await().atMost(WAIT).until(() -> metrics.value("k8spacket.agent.events.sent")
          + metrics.value("k8spacket.agent.send.failures") >= total);

      List<Long> delivered = readSequences(total);
      LOG.info("outage {} s: {} events sent in all ({} while Kafka was away, {} bytes held at the end of it),"
          + " {} delivered, {} dropped; longest send {} ms", String.format("%.1f", outageSeconds), total,
          sentDuring, heldBytes, delivered.size(), (long) metrics.value("k8spacket.agent.send.failures"),
          traffic.longestSendMillis());
      assertThat(metrics.value("k8spacket.agent.send.failures")).isZero();
      assertThat(metrics.value("k8spacket.agent.events.sent")).isEqualTo(total);
      assertThat(delivered).hasSize((int) total).doesNotHaveDuplicates();
      assertThat(new HashSet<>(delivered)).isEqualTo(range(0, total));
      assertThat(sentDuring).isGreaterThanOrEqualTo(11_000);
      assertThat(traffic.longestSendMillis()).as("longest send, ms (the reader never waits)").isLessThan(1_000);
      assertThat(sink.bufferedBytes()).isZero();
    }
  }

  @Test
  void with_a_small_bound_exactly_the_events_within_it_are_kept_and_every_other_one_is_counted()
      throws Exception {
    broker = EmbeddedKafkaBroker.start(dataDir, 0);
    int port = broker.port();
    broker.createTopic(TOPIC, 3);
    AgentMetrics metrics = new AgentMetrics();
    long bound = 1L << 20;
    try (KafkaEventSink sink = sink(bound, metrics)) {
      assertThat(sink.awaitMetadata(Duration.ofSeconds(30), TOPIC)).isTrue();
      for (long seq = 0; seq < 100; seq++) {
        sink.send(connection(seq));
      }
      await().atMost(WAIT).until(() -> metrics.value("k8spacket.agent.events.sent") == 100);

      broker.close();
      long outageEvents = 30_000;
      Set<Long> expectedKept = new HashSet<>();
      long held = 0;
      long eventBytes = encodedBytes(connection(100));
      for (long seq = 100; seq < 100 + outageEvents; seq++) {
        TcpConnection c = connection(seq);
        assertThat(encodedBytes(c)).isEqualTo(eventBytes);
        if (held + eventBytes <= bound) {
          held += eventBytes;
          expectedKept.add(seq);
        }
        sink.send(c);
      }
      long expectedDropped = outageEvents - expectedKept.size();
      assertThat(metrics.value("k8spacket.agent.send.failures")).isEqualTo(expectedDropped);
      assertThat(sink.bufferedBytes()).isEqualTo(held);

      broker = EmbeddedKafkaBroker.start(dataDir, port);
      await().atMost(WAIT).until(() -> sink.bufferedBytes() == 0);
      long after = 100 + outageEvents;
      for (long seq = after; seq < after + 100; seq++) {
        sink.send(connection(seq));
      }
      long deliveredExpected = 100 + expectedKept.size() + 100;
      await().atMost(WAIT).until(() -> metrics.value("k8spacket.agent.events.sent") == deliveredExpected);

      List<Long> delivered = readSequences(deliveredExpected);
      LOG.info("bound {} bytes, events of {} bytes: {} sent while Kafka was away, {} kept and delivered, {}"
          + " dropped and counted {}", bound, eventBytes, outageEvents, expectedKept.size(), expectedDropped,
          (long) metrics.value("k8spacket.agent.send.failures"));
      Set<Long> expected = new HashSet<>(range(0, 100));
      expected.addAll(expectedKept);
      expected.addAll(range(after, after + 100));
      assertThat(delivered).hasSize((int) deliveredExpected).doesNotHaveDuplicates();
      assertThat(new HashSet<>(delivered)).isEqualTo(expected);
      assertThat(metrics.value("k8spacket.agent.send.failures")).isEqualTo(expectedDropped);
      assertThat(expectedKept).hasSize((int) (bound / eventBytes));
    }
  }

  private KafkaEventSink sink(long bound, AgentMetrics metrics) {
    return new KafkaEventSink(broker.bootstrapServers(), TOPIC, "k8spacket.tls.outage", NODE, bound, 0,
        KafkaEventSink.DEFAULT_DELIVERY_TIMEOUT_MS, Map.of(), metrics);
  }

  /** Connection number {@code seq}: its sequence number travels in the client-to-server bytes. */
  private static TcpConnection connection(long seq) {
    try {
      return new TcpConnection(TcpConnection.AddressFamily.IPV4, InetAddress.getByName("10.231.9.1"),
          40000 + (int) (seq % 20000), InetAddress.getByName("10.231.9." + (2 + seq % 3)), 8080,
          TcpConnection.Observer.CLIENT, TcpConnection.CloseKind.NORMAL, SEQ_BASE + seq, 4096, 9, 7, 0, 64,
          20, 4026532176L, 1_700_000_000_000_000_000L, 1_700_000_001_000_000_000L, 900);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the sink counts against the bound for one event: key and value bytes. */
  private static long encodedBytes(TcpConnection c) {
    return AvroMapper.key(c).getBytes(StandardCharsets.UTF_8).length
        + AvroSerde.of(TcpConnectionEvent.class).encode(new AvroMapper(NODE).toAvro(c)).length;
  }

  private static Set<Long> range(long from, long to) {
    Set<Long> set = new HashSet<>();
    for (long i = from; i < to; i++) {
      set.add(i);
    }
    return set;
  }

  /** Reads the topic from the start until {@code count} records arrived, returning their sequence numbers. */
  private List<Long> readSequences(long count) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "outage-it-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<Long> sequences = new ArrayList<>();
    try (KafkaConsumer<String, TcpConnectionEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        AvroSerde.of(TcpConnectionEvent.class).deserializer())) {
      consumer.subscribe(List.of(TOPIC));
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(200))
            .forEach(r -> sequences.add(r.value().getBytesClientToServer() - SEQ_BASE));
        return sequences.size() >= count;
      });
      // anything more (a duplicate) would be in the next polls
      for (int i = 0; i < 3; i++) {
        consumer.poll(Duration.ofMillis(200))
            .forEach(r -> sequences.add(r.value().getBytesClientToServer() - SEQ_BASE));
      }
    }
    return sequences;
  }

  /** One event every {@code 1000 / perSecond} ms on a timer thread, as a ring reader would hand them over. */
  private static final class SteadyTraffic {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong longestNanos = new AtomicLong();

    SteadyTraffic(EventSink sink, int perSecond) {
      timer.scheduleAtFixedRate(() -> {
        long start = System.nanoTime();
        sink.send(connection(next.get()));
        next.incrementAndGet();
        longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
      }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    long sent() {
      return next.get();
    }

    long longestSendMillis() {
      return longestNanos.get() / 1_000_000;
    }

    /** Stops the timer and returns how many events were sent. */
    long stop() throws InterruptedException {
      timer.shutdown();
      assertThat(timer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      return next.get();
    }
  }
}
