package io.k8spacket.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain Kafka consumer of k8spacket's topics: prints one line per record, {@code topic key value}, the value as
 * JSON decoded from the {@code .avsc} files ({@link SingleObjectDecoder}), and for connections a worked example of
 * reading fields by name.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' io.k8spacket.examples.TopicConsumer \
 *     --bootstrap 127.0.0.1:9092 --topic k8spacket.connections.v1 --from-beginning --max 10
 * </pre>
 */
public final class TopicConsumer {
  private TopicConsumer() {}

  public static void main(String[] args) {
    run(List.of(args), System.out);
  }

  /**
   * Consumes as the arguments say: {@code --bootstrap HOST:PORT} (127.0.0.1:9092), {@code --topic T} (repeatable;
   * default the connections topic), {@code --from-beginning}, {@code --max N} records then stop,
   * {@code --schemas DIR} (.avsc folder; default the copy on the class path), {@code --idle-timeout 30s}
   * (stop after so long without a record). Returns how many records it printed.
   */
  public static long run(List<String> args, PrintStream out) {
    String bootstrap = "127.0.0.1:9092";
    List<String> topics = new ArrayList<>();
    boolean fromBeginning = false;
    long max = Long.MAX_VALUE;
    Duration idle = Duration.ofDays(365);
    SingleObjectDecoder decoder = null;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--bootstrap" -> bootstrap = args.get(++i);
        case "--topic" -> topics.add(args.get(++i));
        case "--from-beginning" -> fromBeginning = true;
        case "--max" -> max = Long.parseLong(args.get(++i));
        case "--schemas" -> decoder = SingleObjectDecoder.fromDirectory(Path.of(args.get(++i)));
        case "--idle-timeout" -> idle = Duration.ofSeconds(Long.parseLong(args.get(++i).replace("s", "")));
        default -> throw new IllegalArgumentException("unknown argument " + args.get(i));
      }
    }
    if (topics.isEmpty()) {
      topics.add("k8spacket.connections.v1");
    }
    if (decoder == null) {
      decoder = SingleObjectDecoder.fromClasspath();
    }
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "k8spacket-example-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest",
        // the streams app writes its topics in transactions (exactly once): read only committed records
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long printed = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(topics);
      long lastRecord = System.nanoTime();
      while (printed < max && System.nanoTime() - lastRecord < idle.toNanos()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          GenericRecord value = decoder.decode(record.value());
          out.println(record.topic() + " " + record.key() + " " + (value == null ? "null" : value.toString()));
          if (value != null && value.getSchema().getName().equals("Connection")) {
            out.println("  " + summary(value));
          }
          lastRecord = System.nanoTime();
          if (++printed >= max) {
            break;
          }
        }
      }
    }
    return printed;
  }

  /** Fields by name, nested records as GenericRecord, enums by their symbol: {@code shop/web -> data/db:5432 ...}. */
  static String summary(GenericRecord connection) {
    GenericRecord client = (GenericRecord) connection.get("client");
    GenericRecord server = (GenericRecord) connection.get("server");
    String kind = connection.get("closeKind").toString();
    long durationMs = ((long) connection.get("closeTimeNs") - (long) connection.get("openTimeNs")) / 1_000_000;
    return name(client) + " -> " + name(server) + ":" + connection.get("serverPort") + " "
        + connection.get("bytesClientToServer") + " B out, " + connection.get("bytesServerToClient") + " B back, "
        + (kind.equals("OPEN") ? "still open (bytes since the previous report)" : durationMs + " ms, " + kind);
  }

  private static String name(GenericRecord endpoint) {
    Object namespace = endpoint.get("namespace");
    Object workload = endpoint.get("workload");
    String name = String.valueOf(workload != null ? workload : endpoint.get("name"));
    return namespace == null ? name : namespace + "/" + name;
  }
}
