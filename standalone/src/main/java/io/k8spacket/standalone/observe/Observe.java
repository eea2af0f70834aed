package io.k8spacket.standalone.observe;

import io.k8spacket.avro.Connection;
import io.k8spacket.avro.TlsSession;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./k8spacket observe}: follows {@code k8spacket.connections.v1} and {@code k8spacket.tls-sessions.v1}
 * and prints one line per connection (or progress report of an open one) and per TLS handshake. It reads every
 * partition itself, without a consumer group (nothing is committed, any number can run), from the end, or from
 * {@code --since} ago (the broker finds the offsets by record time).
 *
 * <pre>{@code
 * try (Observe observe = Observe.connect(ObserveOptions.parse(List.of("--since", "5m")), System.out)) {
 *   observe.run(() -> true);   // until the process stops
 * }
 * }</pre>
 */
public final class Observe implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final ObserveOptions options;
  private final PrintStream out;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroSerde<Connection> connections = AvroSerde.of(Connection.class);
  private final AvroSerde<TlsSession> sessions = AvroSerde.of(TlsSession.class);
  private long undecodable;
  private boolean closed;

  private Observe(ObserveOptions options, PrintStream out, KafkaConsumer<String, byte[]> consumer) {
    this.options = options;
    this.out = out;
    this.consumer = consumer;
  }

  /**
   * Connects, assigns every partition of both topics and positions them (end, or {@code --since} ago).
   *
   * @throws IllegalStateException when the topics cannot be found within 30 s (wrong bootstrap, broker down)
   */
  public static Observe connect(ObserveOptions options, PrintStream out) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(options), new StringDeserializer(),
        new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(Topics.CONNECTIONS, Topics.TLS_SESSIONS)) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException("topic " + topic + " not found at " + options.bootstrap()
              + " (is k8spacket running? --bootstrap names another broker)");
        }
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      }
      consumer.assign(partitions);
      if (options.since().isPresent()) {
        long from = System.currentTimeMillis() - options.since().get().toMillis();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, from));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, METADATA_TIMEOUT);
        List<TopicPartition> past = new ArrayList<>();
        offsets.forEach((partition, offset) -> {
          if (offset == null) {
            past.add(partition); // nothing that recent: start at the end
          } else {
            consumer.seek(partition, offset.offset());
          }
        });
        consumer.seekToEnd(past);
      } else {
        consumer.seekToEnd(partitions);
      }
      partitions.forEach(consumer::position); // resolve the positions now, not at the first poll
      return new Observe(options, out, consumer);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Prints records while {@code keepGoing} says so (checked after each poll of at most 0.5 s) and until
   * {@link #wakeup()}; then closes the consumer.
   */
  public void run(BooleanSupplier keepGoing) {
    try {
      while (keepGoing.getAsBoolean()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          print(record);
        }
        out.flush();
      }
    } catch (WakeupException stopped) {
      out.flush();
    } finally {
      close();
    }
  }

  /** Makes {@link #run} return soon; the one method that may be called from another thread (a shutdown hook). */
  public void wakeup() {
    consumer.wakeup();
  }

  private void print(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    try {
      if (record.topic().equals(Topics.CONNECTIONS)) {
        Connection c = connections.decode(record.value());
        if (ObserveFormat.keeps(options, c.getClient(), c.getServer())) {
          out.println(options.format() == ObserveOptions.Format.JSON ? ObserveFormat.json(c) : ObserveFormat.text(c));
        }
      } else {
        TlsSession s = sessions.decode(record.value());
        if (ObserveFormat.keeps(options, s.getClient(), s.getServer())) {
          out.println(options.format() == ObserveOptions.Format.JSON ? ObserveFormat.json(s) : ObserveFormat.text(s));
        }
      }
    } catch (SerializationException e) {
      if (undecodable++ == 0) {
        System.err.println("k8spacket observe: skipping records that do not decode (" + record.topic() + " offset "
            + record.offset() + "): " + e.getMessage());
      }
    }
  }

  private static Map<String, Object> consumerConfig(ObserveOptions options) {
    Map<String, Object> config = new HashMap<>();
    options.kafkaConfig().ifPresent(path -> {
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(path)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("--kafka-config: cannot read " + path, e);
      }
      props.forEach((k, v) -> config.put((String) k, v));
    });
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "k8spacket-observe-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the streams app writes with EOS
    return config;
  }

  /** Closes the consumer; idempotent. Call from the thread that runs {@link #run}, or instead of it. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }
}
