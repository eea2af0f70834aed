package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.KafkaEventSink;
import io.k8spacket.agent.pipeline.TcpRecords;
import io.k8spacket.avro.Observer;
import io.k8spacket.avro.TcpConnectionEvent;
import io.k8spacket.schema.AvroSerde;
import io.k8spacket.schema.Topics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One side of {@link AgentKafkaBench}, in its own JVM (pinned to one core, its heap capped): as fast as the
 * producer's buffer allows, either the agent's path from raw ring records to Kafka ({@link TcpRecords}:
 * decode, progress ledger, Avro mapping and encoding, {@link KafkaEventSink}), or a plain producer with the
 * sink's settings sending pre-encoded values of the same size. Prints one JSON line: events acknowledged per
 * second, process CPU, heap after GC.
 *
 * <p>Args: {@code agent|producer BOOTSTRAP WARMUP_S MEASURE_S}.
 */
public final class AgentKafkaChild {
  private static final long BUFFER_BYTES = 32L << 20; // the agent's default producer buffer
  private static final long THROTTLE_BYTES = BUFFER_BYTES / 2; // never reach the sink's drop threshold
  private static final int RECORDS = 1 << 16;

  private AgentKafkaChild() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String bootstrap = args[1];
    double warmup = Double.parseDouble(args[2]);
    double measure = Double.parseDouble(args[3]);
    Workloads cluster = new Workloads(1000);
    Driver driver = mode.equals("agent") ? agent(cluster, bootstrap) : producer(cluster, bootstrap);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
    long i = 0;
    while (System.nanoTime() < warmEnd) {
      i = driver.feed(i);
    }
    long acked0 = driver.acked();
    long cpu0 = os.getProcessCpuTime();
    long gc0 = gcMillis();
    long t0 = System.nanoTime();
    long end = t0 + (long) (measure * 1e9);
    long peakHeap = 0;
    long nextSample = 0;
    while (System.nanoTime() < end) {
      i = driver.feed(i);
      if (System.nanoTime() > nextSample) {
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
        nextSample = System.nanoTime() + 50_000_000L;
      }
    }
    long wall = System.nanoTime() - t0;
    long acked = driver.acked() - acked0;
    long cpu = os.getProcessCpuTime() - cpu0;
    long gc = gcMillis() - gc0;
    System.gc();
    long heapAfterGc = memory.getHeapMemoryUsage().getUsed();
    long dropped = driver.dropped();
    driver.close();
    ObjectNode out = Figure.JSON.createObjectNode();
    out.put("mode", mode);
    out.put("events_per_s", acked * 1e9 / wall);
    out.put("cpu_cores", (double) cpu / wall);
    out.put("cpu_ns_per_event", acked == 0 ? 0 : (double) cpu / acked);
    out.put("heap_after_gc_mib", heapAfterGc / 1048576.0);
    out.put("heap_peak_mib", peakHeap / 1048576.0);
    out.put("heap_max_mib", memory.getHeapMemoryUsage().getMax() / 1048576.0);
    out.put("gc_ms", gc);
    out.put("dropped", dropped);
    out.put("available_processors", Runtime.getRuntime().availableProcessors());
    System.out.println(Figure.JSON.writeValueAsString(out));
    System.exit(0);
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime)
        .sum();
  }

  interface Driver {
    /** Hands over a batch starting at event {@code i} (or waits while the buffer is half full); next i. */
    long feed(long i);

    long acked();

    long dropped();

    void close();
  }

  private static Driver agent(Workloads cluster, String bootstrap) {
    AgentMetrics metrics = new AgentMetrics();
    KafkaEventSink sink = new KafkaEventSink(bootstrap, Topics.TCP, "bench", BUFFER_BYTES, 20, Map.of(), metrics);
    if (!sink.awaitMetadata(Duration.ofSeconds(30))) {
      throw new IllegalStateException("no metadata for " + Topics.TCP);
    }
    TcpRecords records = new TcpRecords(BootClock.system(), sink, metrics);
    ByteBuffer raw = cluster.rawEvents(RECORDS, System.nanoTime());
    return new Driver() {
      @Override
      public long feed(long i) {
        if (sink.bufferedBytes() > THROTTLE_BYTES) {
          LockSupport.parkNanos(100_000);
          return i;
        }
        for (int k = 0; k < 256; k++, i++) {
          records.onRecord(raw, (int) (i % RECORDS) * 112, 104);
        }
        return i;
      }

      @Override
      public long acked() {
        return (long) metrics.value("k8spacket.agent.events.sent");
      }

      @Override
      public long dropped() {
        return (long) metrics.value("k8spacket.agent.send.failures");
      }

      @Override
      public void close() {
        sink.close();
      }
    };
  }

  private static Driver producer(Workloads cluster, String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_BYTES);
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer());
    AvroSerde<TcpConnectionEvent> serde = AvroSerde.of(TcpConnectionEvent.class);
    int n = 4096;
    String[] keys = new String[n];
    byte[][] values = new byte[n][];
    long now = System.currentTimeMillis();
    for (int k = 0; k < n; k++) {
      TcpConnectionEvent e = cluster.event(k % cluster.edges(), k, Observer.CLIENT, now);
      keys[k] = e.getClientIp();
      values[k] = serde.encode(e);
    }
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long bufferTotal = BUFFER_BYTES;
    var available = producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("buffer-available-bytes")
            && e.getKey().group().equals("producer-metrics"))
        .map(Map.Entry::getValue).findFirst().orElseThrow();
    return new Driver() {
      @Override
      public long feed(long i) {
        if (bufferTotal - ((Number) available.metricValue()).longValue() > THROTTLE_BYTES) {
          LockSupport.parkNanos(100_000);
          return i;
        }
        for (int k = 0; k < 256; k++, i++) {
          int at = (int) (i % n);
          producer.send(new ProducerRecord<>(Topics.TCP, keys[at], values[at]), (m, e) -> {
            if (e == null) {
              acked.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          });
        }
        return i;
      }

      @Override
      public long acked() {
        return acked.get();
      }

      @Override
      public long dropped() {
        return failed.get();
      }

      @Override
      public void close() {
        producer.close(Duration.ofSeconds(5));
      }
    };
  }
}
