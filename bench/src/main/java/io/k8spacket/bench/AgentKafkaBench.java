package io.k8spacket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.schema.Topics;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures {@code agent_to_kafka_events_per_s} and {@code agent_heap_mib}: how many events per second the agent's
 * user-space path (raw ring record → decoder → ledger → Avro → {@code KafkaEventSink}) gets acknowledged by the
 * in-process broker on one core, and its heap after GC at that rate; the baseline is a plain producer with the
 * same settings sending pre-encoded values. Each run is a child JVM ({@link AgentKafkaChild}) pinned with
 * {@code taskset} to CPU 1 with {@code -Xmx128m}; this JVM (the broker) is pinned to CPU 0 by the runner. Agent
 * and producer runs alternate.
 */
public final class AgentKafkaBench {
  public static void main(String[] argv) throws Exception {
    BenchArgs args = BenchArgs.parse(argv);
    long started = System.nanoTime();
    int pairs = args.pick(4, 1);
    String warmup = args.quick() ? "2" : "5";
    String measure = args.quick() ? "4" : "10";
    List<Figure> figures = new ArrayList<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary(
        Files.createDirectories(args.work().resolve("agent-kafka")))) {
      broker.createTopic(Topics.TCP, 3);
      broker.createTopic(Topics.TLS, 3);
      List<Double> agent = new ArrayList<>();
      List<Double> producer = new ArrayList<>();
      List<Double> heap = new ArrayList<>();
      List<Double> heapPeak = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      List<Double> cpuPerEvent = new ArrayList<>();
      List<Double> producerCpuPerEvent = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      ArrayNode runs = Figure.JSON.createArrayNode();
      long dropped = 0;
      for (int i = 0; i < pairs; i++) {
        JsonNode a = null;
        JsonNode p = null;
        for (int k = 0; k < 2; k++) {
          boolean agentFirst = (i + k) % 2 == 0;
          JsonNode r = child(agentFirst ? "agent" : "producer", broker.bootstrapServers(), warmup, measure);
          runs.add(r);
          if (agentFirst) {
            a = r;
          } else {
            p = r;
          }
        }
        System.err.printf("[agent-kafka] pair %d: agent %.0f ev/s (%.2f cores, heap %.1f MiB after GC),"
            + " producer %.0f ev/s%n", i, a.path("events_per_s").asDouble(), a.path("cpu_cores").asDouble(),
            a.path("heap_after_gc_mib").asDouble(), p.path("events_per_s").asDouble());
        agent.add(a.path("events_per_s").asDouble());
        producer.add(p.path("events_per_s").asDouble());
        ratios.add(a.path("events_per_s").asDouble() / p.path("events_per_s").asDouble());
        heap.add(a.path("heap_after_gc_mib").asDouble());
        heapPeak.add(a.path("heap_peak_mib").asDouble());
        cpu.add(a.path("cpu_cores").asDouble());
        cpuPerEvent.add(a.path("cpu_ns_per_event").asDouble());
        producerCpuPerEvent.add(p.path("cpu_ns_per_event").asDouble());
        dropped += a.path("dropped").asLong();
      }
      ObjectNode d = Figure.JSON.createObjectNode();
      d.put("method", "child JVM pinned to CPU 1 (taskset), -Xmx128m, fed as fast as half the 32 MiB producer"
          + " buffer allows; " + warmup + " s warm-up, " + measure + " s measured; broker in this JVM on CPU 0");
      d.put("agent_events_per_s_min", Stats.of(agent).min());
      d.put("agent_events_per_s_max", Stats.of(agent).max());
      d.put("agent_vs_producer_ratio_median", Stats.of(ratios).median());
      d.put("agent_cpu_cores_median", Stats.of(cpu).median());
      d.put("agent_cpu_ns_per_event_median", Stats.of(cpuPerEvent).median());
      d.put("producer_cpu_ns_per_event_median", Stats.of(producerCpuPerEvent).median());
      d.put("agent_heap_peak_mib_max", Stats.of(heapPeak).max());
      d.put("agent_dropped_events", dropped);
      d.set("runs", runs);
      double rate = Stats.of(agent).median();
      double base = Stats.of(producer).median();
      figures.add(new Figure("agent_to_kafka_events_per_s", rate, "events/s", ">=", 50_000.0, rate, base,
          String.format("%.0f events/s acknowledged, agent path, one core (%.2f cores used, %.1f µs CPU/event)",
              rate, Stats.of(cpu).median(), Stats.of(cpuPerEvent).median() / 1000),
          String.format("%.0f events/s, plain producer of pre-encoded values", base),
          String.format("agent/producer per pair: median %.2f; %d events dropped", Stats.of(ratios).median(),
              dropped), d));
      figures.add(new Figure("agent_heap_mib", Stats.of(heap).max(), "MiB", "<=", 128.0, Stats.of(heap).max(), null,
          String.format("%.1f MiB heap after GC at %.0f events/s (peak %.1f MiB used, -Xmx128m)",
              Stats.of(heap).max(), rate, Stats.of(heapPeak).max()), null,
          "worst run of the pinned child JVM (-Xmx128m); the producer buffer (32 MiB, kept half full) is part of"
              + " the heap", Figure.JSON.createObjectNode()));
    }
    Results.write(args, "agent_kafka", started, figures);
    System.exit(0);
  }

  private static JsonNode child(String mode, String bootstrap, String warmup, String measure) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder("taskset", "-c", "1", java, "-Xmx128m", "-XX:+UseG1GC",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.k8spacket.avro", "-Dlog4j2.configurationFile=bench-log4j2.xml",
        "-cp", System.getProperty("java.class.path"), AgentKafkaChild.class.getName(), mode, bootstrap, warmup,
        measure);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    String out = Processes.output(pb, 300);
    return Figure.JSON.readTree(out.lines().reduce((x, y) -> y).orElseThrow());
  }
}
