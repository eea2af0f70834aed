package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.agent.bpf.RingBufferReader;
import io.k8spacket.agent.bpf.TcpProbe;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.TcpEventDecoder;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.EventSource;
import io.k8spacket.agent.pipeline.TcpRecords;
import io.k8spacket.testsupport.net.TestNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure {@code agent_vs_c_ratio}: events per second through the agent's ring-buffer reader and decoder
 * ({@link RingBufferReader} + {@link TcpRecords} into a counting sink) against libbpf's C consumer
 * ({@code bench/c/ringc.c}), on the same BPF program and the same load in the same run.
 *
 * <p>Three copies of the TCP probe are attached at once (C's, the agent path's, and a reader-only Java copy), so
 * each connection of the storm writes the same events to three rings. After each storm the rings are drained
 * one after the other, in a rotating order, and each drain is timed (wall and thread CPU): events/s =
 * events ÷ drain time. Round 0 warms the JIT and is not counted; the figure is the median of the rounds'
 * Java ÷ C ratios.
 */
public final class RingConsumerBench {
  private static final int RING_BYTES = 64 << 20;
  private static final int NET = 231;

  record Drain(long events, long wallNanos, long cpuNanos) {
    double perSecond() {
      return events * 1e9 / wallNanos;
    }
  }

  public static void main(String[] argv) throws Exception {
    BenchArgs args = BenchArgs.parse(argv);
    long started = System.nanoTime();
    int rounds = args.pick(7, 3);
    long connections = args.pick(150_000, 50_000);
    List<Figure> figures = new ArrayList<>();
    try (TestNetwork net = TestNetwork.create(NET, 2)) {
      figures.add(measure(args, net, rounds, connections));
    }
    Results.write(args, "ring_consumer", started, figures);
    System.exit(0);
  }

  private static Figure measure(BenchArgs args, TestNetwork net, int rounds, long connections) throws Exception {
    Storm storm = new Storm(args.cDir(), net.host(1), net.host(2));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Process c = new ProcessBuilder(args.cDir().resolve("ringc").toAbsolutePath().toString(),
        Integer.toString(RING_BYTES)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader cOut = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
    PrintWriter cIn = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8);
    if (!"ready".equals(cOut.readLine())) {
      throw new IllegalStateException("ringc did not start");
    }
    try (TcpProbe agentProbe = TcpProbe.attach(new TcpProbe.Options(RING_BYTES, false, false));
         TcpProbe rawProbe = TcpProbe.attach(new TcpProbe.Options(RING_BYTES, false, false));
         RingBufferReader agentRing = new RingBufferReader(agentProbe.ringFd(), agentProbe.ringBytes());
         RingBufferReader rawRing = new RingBufferReader(rawProbe.ringFd(), rawProbe.ringBytes())) {
      CountingSink sink = new CountingSink();
      TcpRecords records = new TcpRecords(BootClock.system(), sink, new AgentMetrics());
      long[] rawSum = new long[1];
      EventSource.RecordHandler rawHandler = (buffer, offset, length) -> rawSum[0] +=
          buffer.getLong(offset + TcpEventDecoder.OFFSET_BYTES_C2S) + buffer.getShort(offset + 92);
      // start empty: whatever closed before now
      drainJava(agentRing, records, threads);
      drainJava(rawRing, rawHandler, threads);
      drainC(cIn, cOut);
      List<Double> ratios = new ArrayList<>();
      List<Double> rawRatios = new ArrayList<>();
      List<Double> java = new ArrayList<>();
      List<Double> javaRaw = new ArrayList<>();
      List<Double> cRates = new ArrayList<>();
      List<Double> javaNs = new ArrayList<>();
      List<Double> cNs = new ArrayList<>();
      List<Double> stormRates = new ArrayList<>();
      long kernelDrops = 0;
      for (int round = 0; round < rounds; round++) {
        Storm.Run load = storm.forCount(connections, 2);
        Drain jd = null;
        Drain rd = null;
        Drain cd = null;
        for (int k = 0; k < 3; k++) {
          switch ((round + k) % 3) {
            case 0 -> jd = drainJava(agentRing, records, threads);
            case 1 -> rd = drainJava(rawRing, rawHandler, threads);
            default -> cd = drainC(cIn, cOut);
          }
        }
        kernelDrops = agentProbe.counters().get(1) + rawProbe.counters().get(1);
        System.err.printf("[ring] round %d: storm %.0f conn/s; java %d ev %.2f M/s (%.0f ns/ev cpu), raw java %.2f M/s,"
            + " C %d ev %.2f M/s (%.0f ns/ev cpu)%n", round, load.connPerSecond(), jd.events(), jd.perSecond() / 1e6,
            (double) jd.cpuNanos() / jd.events(), rd.perSecond() / 1e6, cd.events(), cd.perSecond() / 1e6,
            (double) cd.cpuNanos() / cd.events());
        if (round == 0) {
          continue; // JIT warm-up
        }
        ratios.add(jd.perSecond() / cd.perSecond());
        rawRatios.add(rd.perSecond() / cd.perSecond());
        java.add(jd.perSecond());
        javaRaw.add(rd.perSecond());
        cRates.add(cd.perSecond());
        javaNs.add((double) jd.cpuNanos() / jd.events());
        cNs.add((double) cd.cpuNanos() / cd.events());
        stormRates.add(load.connPerSecond());
      }
      cIn.println("quit");
      c.waitFor();
      Stats ratio = Stats.of(ratios);
      ObjectNode d = Figure.JSON.createObjectNode();
      d.put("method", "storm of " + connections + " netns connections per round fills three rings (one probe copy"
          + " each); each ring is then drained alone, rotating the order; events/s = events / drain wall time;"
          + " round 0 is JIT warm-up");
      d.put("rounds_counted", ratios.size());
      d.put("ratio_min", ratio.min());
      d.put("ratio_max", ratio.max());
      d.put("java_events_per_s_median", Stats.of(java).median());
      d.put("java_reader_only_events_per_s_median", Stats.of(javaRaw).median());
      d.put("reader_only_vs_c_ratio_median", Stats.of(rawRatios).median());
      d.put("c_events_per_s_median", Stats.of(cRates).median());
      d.put("java_cpu_ns_per_event_median", Stats.of(javaNs).median());
      d.put("c_cpu_ns_per_event_median", Stats.of(cNs).median());
      d.put("storm_conn_per_s_median", Stats.of(stormRates).median());
      d.put("kernel_ring_drops", kernelDrops);
      d.put("ring_bytes", RING_BYTES);
      return new Figure("agent_vs_c_ratio", ratio.median(), "ratio", ">=", 0.9, Stats.of(java).median(),
          Stats.of(cRates).median(), String.format("%.2f M events/s (Java reader + TcpRecords)",
              Stats.of(java).median() / 1e6),
          String.format("%.2f M events/s (C libbpf ring_buffer__consume)", Stats.of(cRates).median() / 1e6),
          String.format("reader alone: %.2f of C", Stats.of(rawRatios).median()), d);
    } finally {
      c.destroy();
    }
  }

  private static Drain drainJava(RingBufferReader ring, EventSource.RecordHandler handler, ThreadMXBean threads) {
    long w0 = System.nanoTime();
    long c0 = threads.getCurrentThreadCpuTime();
    long events = 0;
    int n;
    while ((n = ring.drain(handler, 1 << 20)) > 0) {
      events += n;
    }
    return new Drain(events, System.nanoTime() - w0, threads.getCurrentThreadCpuTime() - c0);
  }

  private static Drain drainC(PrintWriter in, BufferedReader out) throws IOException {
    in.println("drain");
    String[] f = out.readLine().split(" ");
    if (!f[0].equals("drained")) {
      throw new IllegalStateException("ringc said " + String.join(" ", f));
    }
    return new Drain(Long.parseLong(f[1]), Math.max(1, Long.parseLong(f[2])), Long.parseLong(f[3]));
  }

}
