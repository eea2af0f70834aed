package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Figure {@code streams_vs_consumer_ratio}: records per second through the whole topology
 * ({@code AppTopology.buildTopology} run by the production {@link StreamsRunner}: exactly-once, both joins,
 * three repartitions, count-once, windowed edges) against a plain {@link KafkaConsumer} reading the same
 * pre-filled TCP topic, on the same in-process broker, alternating.
 *
 * <p>The topic holds client-socket events of connections between 200 workloads (2000 edges) closing over
 * one minute (a backlog replayed in seconds skews event time across partitions; more than the 2-minute
 * grace would drop records as late), plus the server socket's twin for every fourth; the metadata topic names
 * every pod. A streams run starts a fresh application id and state directory; its time runs from state RUNNING
 * until the edge store has counted every connection (connCount summed over the store), so it covers every
 * stage. The consumer's time runs from its first poll until it has read every record (median of five reads).
 */
public final class StreamsThroughputBench {
  public static void main(String[] argv) throws Exception {
    BenchArgs args = BenchArgs.parse(argv);
    long started = System.nanoTime();
    long connections = args.pick(100_000, 30_000);
    int pairs = args.pick(2, 1);
    List<Figure> figures = new ArrayList<>();
    Workloads cluster = new Workloads(200); // 2000 edges: the completion check scans the store
    try (EmbeddedKafkaBroker broker = KafkaFixture.broker(args.work().resolve("streams-broker"))) {
      long now = System.currentTimeMillis();
      long from = now - Duration.ofMinutes(5).toMillis();
      KafkaFixture.fillMetadata(broker.bootstrapServers(), cluster, 200, from - Duration.ofHours(1).toMillis());
      long records = KafkaFixture.fillTcp(broker.bootstrapServers(), cluster, connections, from,
          Duration.ofSeconds(60).toMillis(), 4);
      List<Double> consumerRates = new ArrayList<>();
      List<Double> streamsRates = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> startSeconds = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        double c = 0;
        double s = 0;
        for (int k = 0; k < 2; k++) {
          if ((i + k) % 2 == 0) {
            // a read takes well under a second: the median of five, so one slow poll does not decide it
            List<Double> reads = new ArrayList<>();
            for (int r = 0; r < 5; r++) {
              reads.add(consume(broker.bootstrapServers(), records));
            }
            c = Stats.of(reads).median();
          } else {
            double[] r = stream(args, broker.bootstrapServers(), i, records, connections, from);
            s = r[0];
            startSeconds.add(r[1]);
          }
        }
        System.err.printf("[streams] pair %d: consumer %.0f rec/s, streams %.0f rec/s, ratio %.3f%n", i, c, s,
            s / c);
        consumerRates.add(c);
        streamsRates.add(s);
        ratios.add(s / c);
      }
      ObjectNode d = Figure.JSON.createObjectNode();
      d.put("method", records + " records (" + connections + " connections, a server-side twin for every fourth)"
          + " over 2000 edges among 200 workloads; streams: fresh application id per run, timed from RUNNING"
          + " until the edge store counts every connection; consumer: assign + poll until every record is read,"
          + " median of five reads");
      d.put("records", records);
      d.put("ratio_min", Stats.of(ratios).min());
      d.put("ratio_max", Stats.of(ratios).max());
      d.put("streams_startup_to_running_s_median", Stats.of(startSeconds).median());
      d.put("pairs", pairs);
      double s = Stats.of(streamsRates).median();
      double c = Stats.of(consumerRates).median();
      figures.add(new Figure("streams_vs_consumer_ratio", Stats.of(ratios).median(), "ratio", ">=", 0.5, s, c,
          String.format("%.0f records/s through the topology", s),
          String.format("%.0f records/s, plain KafkaConsumer", c), null, d));
    }
    Results.write(args, "streams_throughput", started, figures);
    System.exit(0);
  }

  private static double consume(String bootstrap, long records) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < KafkaFixture.PARTITIONS; i++) {
        parts.add(new TopicPartition(Topics.TCP, i));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long read = 0;
      long checksum = 0;
      long t0 = System.nanoTime();
      while (read < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        for (var r : batch) {
          checksum += r.value().length;
        }
        read += batch.count();
        if (System.nanoTime() - t0 > 300_000_000_000L) {
          throw new IllegalStateException("consumer read " + read + " of " + records);
        }
      }
      return read * 1e9 / (System.nanoTime() - t0) + 0 * checksum;
    }
  }

  /** Records/s and seconds to RUNNING of one streams run. */
  private static double[] stream(BenchArgs args, String bootstrap, int run, long records, long connections,
      long from) throws Exception {
    var state = args.work().resolve("streams-state-" + run);
    // BENCH_STREAMS_KAFKA_CONFIG: a properties file of extra Kafka Streams settings, to try a change (profiling)
    String extra = System.getenv().getOrDefault("BENCH_STREAMS_KAFKA_CONFIG", "");
    var config = KafkaFixture.streamsConfig(bootstrap, "bench-streams-" + run, state,
        extra.isEmpty() ? Map.of() : Map.of(io.k8spacket.streams.StreamsAppConfig.KAFKA_CONFIG_FILE.env(), extra));
    long t0 = System.nanoTime();
    try (StreamsRunner runner = new StreamsRunner(config, new SimpleMeterRegistry())) {
      runner.start();
      if (!runner.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("streams not RUNNING after 2 minutes");
      }
      long running = System.nanoTime();
      EdgeReader reader = runner.edgeReader();
      long counted = 0;
      long lastCount = -1;
      long lastChange = System.nanoTime();
      while (counted < connections) {
        Thread.sleep(500);
        try {
          counted = 0;
          for (EdgeSample s : reader.edges(from - 60_000, from + 300_000)) {
            counted += s.connCount();
          }
        } catch (StoreUnavailableException e) {
          counted = 0; // rebalancing: look again
        }
        if (counted != lastCount) {
          lastCount = counted;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > 60_000_000_000L) {
          throw new IllegalStateException("streams counted " + counted + " of " + connections
              + " and nothing more for a minute");
        }
      }
      long done = System.nanoTime();
      return new double[] {records * 1e9 / (done - running), (running - t0) / 1e9};
    } finally {
      KafkaFixture.deleteTree(state);
    }
  }
}
