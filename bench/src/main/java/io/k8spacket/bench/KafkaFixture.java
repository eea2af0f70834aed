package io.k8spacket.bench;

import io.k8spacket.avro.EndpointMetadata;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import io.k8spacket.standalone.StandaloneStack;
import io.k8spacket.streams.StreamsAppConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The in-process broker with the project's topics, and ways to fill them with the synthetic cluster. */
public final class KafkaFixture {
  /** Partitions of every topic, as standalone mode creates them. */
  public static final int PARTITIONS = StandaloneStack.PARTITIONS;

  private KafkaFixture() {}

  public static EmbeddedKafkaBroker broker(Path dir) throws IOException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary(Files.createDirectories(dir));
    StandaloneStack.createTopics(broker); // the standalone's topics, as the app expects them
    return broker;
  }

  /** A producer for filling topics fast: batched, compressed, acknowledged by the broker. */
  public static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(fillProperties(bootstrap), new StringSerializer(), new ByteArraySerializer());
  }

  /** The same with byte keys, for records written in a store's own key format (changelogs). */
  public static KafkaProducer<byte[], byte[]> bytesProducer(String bootstrap) {
    return new KafkaProducer<>(fillProperties(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static Properties fillProperties(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    return p;
  }

  /** Metadata of every workload's pod, valid from {@code fromMs}. */
  public static void fillMetadata(String bootstrap, Workloads cluster, int workloads, long fromMs) {
    AvroSerde<EndpointMetadata> serde = AvroSerde.of(EndpointMetadata.class);
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      for (int w = 0; w < workloads; w++) {
        producer.send(new ProducerRecord<>(Topics.METADATA, null, fromMs, Workloads.ip(w),
            serde.encode(Workloads.metadata(w, fromMs))));
      }
    }
  }

  /**
   * {@code connections} connections closing evenly over {@code [fromMs, fromMs + spreadMs)}, cycling over the
   * edges; each client socket's event, and every {@code twinEvery}-th also the server socket's (after it).
   * Returns the records written.
   */
  public static long fillTcp(String bootstrap, Workloads cluster, long connections, long fromMs, long spreadMs,
      int twinEvery) {
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    long records = 0;
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      for (long c = 0; c < connections; c++) {
        int edge = (int) (c % cluster.edges());
        long close = fromMs + c * spreadMs / connections;
        TcpConnectionEvent client = cluster.event(edge, (int) c, Observer.CLIENT, close);
        producer.send(new ProducerRecord<>(Topics.TCP, null, close, client.getClientIp(), serde.encode(client)));
        records++;
        if (twinEvery > 0 && c % twinEvery == 0) {
          TcpConnectionEvent server = cluster.event(edge, (int) c, Observer.SERVER, close);
          producer.send(new ProducerRecord<>(Topics.TCP, null, close, server.getClientIp(), serde.encode(server)));
          records++;
        }
      }
    }
    return records;
  }

  /** Streams settings for application {@code id} on {@code bootstrap}, state under {@code stateDir}. */
  public static StreamsAppConfig streamsConfig(String bootstrap, String id, Path stateDir, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put(StreamsAppConfig.BOOTSTRAP_SERVERS.env(), bootstrap);
    env.put(StreamsAppConfig.APPLICATION_ID.env(), id);
    env.put(StreamsAppConfig.STATE_DIR.env(), stateDir.toAbsolutePath().toString());
    return StreamsAppConfig.fromEnv(env);
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
