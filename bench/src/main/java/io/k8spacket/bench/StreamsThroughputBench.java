package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.query.EdgeReader;
import io.k8spacket.query.EdgeSample;
import io.k8spacket.query.StoreUnavailableException;
import io.k8spacket.schema.Topics;
import io.k8spacket.streams.StreamsAppConfig;
import io.k8spacket.streams.StreamsRunner;
import io.k8spacket.streams.topology.LogAndCountDeserializationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Repartitioned;

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
 * stage (the store is read every 200 ms). The consumer's time runs from its first poll until it has read every
 * record (median of five reads).
 *
 * <p>Reference, same run: the same topic as raw bytes through one exactly-once repartition into a counting
 * foreach, on the app's own Kafka settings ({@code passthrough_records_per_s_median} in the details): what one
 * Kafka Streams hop costs here, against which the topology's three hops, joins and stores can be judged. The
 * details also split the streams time: startup to RUNNING (not timed), RUNNING to the first count (the backlog
 * filling the pipeline), the rest.
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
      List<Double> passthroughRates = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> startSeconds = new ArrayList<>();
      List<Double> firstCountSeconds = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        double c = 0;
        double s = 0;
        double p = 0;
        for (int k = 0; k < 3; k++) {
          switch ((i + k) % 3) {
            case 0 -> {
              // a read takes well under a second: the median of five, so one slow poll does not decide it
              List<Double> reads = new ArrayList<>();
              for (int r = 0; r < 5; r++) {
                reads.add(consume(broker.bootstrapServers(), records));
              }
              c = Stats.of(reads).median();
            }
            case 1 -> {
              double[] r = stream(args, broker.bootstrapServers(), i, records, connections, from);
              s = r[0];
              startSeconds.add(r[1]);
              firstCountSeconds.add(r[2]);
            }
            default -> p = passthrough(args, broker.bootstrapServers(), i, records);
          }
        }
        System.err.printf("[streams] pair %d: consumer %.0f rec/s, streams %.0f rec/s, passthrough %.0f rec/s,"
            + " ratio %.3f%n", i, c, s, p, s / c);
        consumerRates.add(c);
        streamsRates.add(s);
        passthroughRates.add(p);
        ratios.add(s / c);
      }
      ObjectNode d = Figure.JSON.createObjectNode();
      d.put("method", records + " records (" + connections + " connections, a server-side twin for every fourth)"
          + " over 2000 edges among 200 workloads; streams: fresh application id per run, timed from RUNNING"
          + " until the edge store counts every connection; consumer: assign + poll until every record is read,"
          + " median of five reads; passthrough (reference): the same settings and topic through a topology of"
          + " one repartition and a counting foreach, timed from RUNNING until every record passed");
      d.put("records", records);
      d.put("ratio_min", Stats.of(ratios).min());
      d.put("ratio_max", Stats.of(ratios).max());
      d.put("streams_startup_to_running_s_median", Stats.of(startSeconds).median());
      d.put("streams_running_to_first_count_s_median", Stats.of(firstCountSeconds).median());
      double pt = Stats.of(passthroughRates).median();
      d.put("passthrough_records_per_s_median", pt);
      d.put("pairs", pairs);
      // CPU per record depends much less than records/s on how busy the shared machine is (a slower run still
      // adds the broker's and clients' per-second background work)
      CPU_US.forEach((path, us) -> d.put("cpu_us_per_record_" + path + "_median", Stats.of(us).median()));
      d.put("cpu_ratio_consumer_vs_streams", Stats.of(CPU_US.get("consumer")).median()
          / Stats.of(CPU_US.get("streams")).median());
      double s = Stats.of(streamsRates).median();
      double c = Stats.of(consumerRates).median();
      d.put("passthrough_vs_consumer_ratio", pt / c);
      d.put("streams_vs_passthrough_ratio", s / pt);
      double cpuConsumer = Stats.of(CPU_US.get("consumer")).median();
      double cpuPassthrough = Stats.of(CPU_US.get("passthrough")).median();
      double cpuStreams = Stats.of(CPU_US.get("streams")).median();
      String note = String.format("what limits it: CPU per record (whole process, broker included) is %.1f µs for"
          + " the plain read, %.0f µs for one exactly-once Kafka Streams hop (a passthrough reaches %.0f records/s,"
          + " %.3f of the consumer, in this run) and %.0f µs through the topology (three hops, two joins,"
          + " count-once stores, two window stores)", cpuConsumer, cpuPassthrough, pt, pt / c, cpuStreams);
      figures.add(new Figure("streams_vs_consumer_ratio", Stats.of(ratios).median(), "ratio", ">=", 0.5, s, c,
          String.format("%.0f records/s through the topology", s),
          String.format("%.0f records/s, plain KafkaConsumer", c), note, d));
    }
    Results.write(args, "streams_throughput", started, figures);
    System.exit(0);
  }

  /** CPU µs per record of the whole process (broker included) while each path ran, per run. */
  private static final Map<String, List<Double>> CPU_US = Map.of("consumer", new ArrayList<>(), "streams",
      new ArrayList<>(), "passthrough", new ArrayList<>());

  private static long cpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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
      long cpu0 = cpuNs();
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
      double rate = read * 1e9 / (System.nanoTime() - t0) + 0 * checksum;
      CPU_US.get("consumer").add((cpuNs() - cpu0) / 1e3 / read);
      return rate;
    }
  }

  /**
   * Records/s of the reference: the TCP topic as raw bytes through one repartition into a counting foreach, with
   * the streams app's own Kafka settings (exactly-once), fresh application id and state.
   */
  private static double passthrough(BenchArgs args, String bootstrap, int run, long records) throws Exception {
    var state = args.work().resolve("passthrough-state-" + run);
    var config = KafkaFixture.streamsConfig(bootstrap, "bench-passthrough-" + run, state, Map.of());
    StreamsBuilder builder = new StreamsBuilder();
    LongAdder passed = new LongAdder();
    builder.stream(Topics.TCP, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("passthrough"))
        .foreach((k, v) -> passed.increment());
    Properties props = config.streamsProperties();
    props.put(LogAndCountDeserializationHandler.METER_REGISTRY_CONFIG, new SimpleMeterRegistry());
    CountDownLatch running = new CountDownLatch(1);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.countDown();
        }
      });
      streams.start();
      if (!running.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("passthrough not RUNNING after 2 minutes");
      }
      long cpu0 = cpuNs();
      long t0 = System.nanoTime();
      while (passed.sum() < records) {
        Thread.sleep(20);
        if (System.nanoTime() - t0 > 300_000_000_000L) {
          throw new IllegalStateException("passthrough passed " + passed.sum() + " of " + records);
        }
      }
      double rate = records * 1e9 / (System.nanoTime() - t0);
      CPU_US.get("passthrough").add((cpuNs() - cpu0) / 1e3 / records);
      return rate;
    } finally {
      KafkaFixture.deleteTree(state);
    }
  }

  /** Records/s, seconds to RUNNING and seconds from RUNNING to the first count of one streams run. */
  private static double[] stream(BenchArgs args, String bootstrap, int run, long records, long connections,
      long from) throws Exception {
    var state = args.work().resolve("streams-state-" + run);
    // BENCH_STREAMS_KAFKA_CONFIG: a properties file of extra Kafka Streams settings, to try a change (profiling)
    String extra = System.getenv().getOrDefault("BENCH_STREAMS_KAFKA_CONFIG", "");
    // and any K8SPACKET_STREAMS_* setting in the environment (e.g. ROLLUP_WINDOW_SIZE=0s), likewise
    Map<String, String> env = new java.util.HashMap<>();
    System.getenv().forEach((k, v) -> {
      if (k.startsWith(StreamsAppConfig.PREFIX)) {
        env.put(k, v);
      }
    });
    if (!extra.isEmpty()) {
      env.put(StreamsAppConfig.KAFKA_CONFIG_FILE.env(), extra);
    }
    var config = KafkaFixture.streamsConfig(bootstrap, "bench-streams-" + run, state, env);
    long t0 = System.nanoTime();
    try (StreamsRunner runner = new StreamsRunner(config, new SimpleMeterRegistry())) {
      runner.start();
      if (!runner.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("streams not RUNNING after 2 minutes");
      }
      long running = System.nanoTime();
      long cpu0 = cpuNs();
      EdgeReader reader = runner.edgeReader();
      long counted = 0;
      long lastCount = -1;
      long lastChange = System.nanoTime();
      long firstCount = 0;
      while (counted < connections) {
        Thread.sleep(200);
        try {
          counted = 0;
          for (EdgeSample s : reader.edges(from - 60_000, from + 300_000)) {
            counted += s.connCount();
          }
        } catch (StoreUnavailableException e) {
          counted = 0; // rebalancing: look again
        }
        if (counted > 0 && firstCount == 0) {
          firstCount = System.nanoTime();
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
      CPU_US.get("streams").add((cpuNs() - cpu0) / 1e3 / records);
      return new double[] {records * 1e9 / (done - running), (running - t0) / 1e9, (firstCount - running) / 1e9};
    } finally {
      KafkaFixture.deleteTree(state);
    }
  }
}
