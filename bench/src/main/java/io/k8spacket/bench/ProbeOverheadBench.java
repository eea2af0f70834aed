package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.k8spacket.agent.AgentConfig;
import io.k8spacket.agent.NodeAgent;
import io.k8spacket.testsupport.net.TestNetwork;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figure {@code probe_overhead_pct}: connections/s of a connection storm between two pod-like network
 * namespaces with the agent's programs attached (TCP lifecycle, progress reports, TLS capture on both host-side
 * veths; rings drained by the agent's own readers into a counting sink) versus detached, in the same run.
 *
 * <p>Many short on/off pairs, interleaved and alternating which comes first, so drift on the shared machine
 * hits both; the figure is the median of the pairs' {@code (off - on) / off}, with the spread. The programs'
 * own cost comes from the kernel's statistics in extra runs with {@code kernel.bpf_stats_enabled=1}: run time
 * per connection (all programs), per TCP-program run, and per packet for the TLS programs.
 */
public final class ProbeOverheadBench {
  private static final int NET = 232;
  private static final long REPORT_INTERVAL_MS = 1000;

  public static void main(String[] argv) throws Exception {
    BenchArgs args = BenchArgs.parse(argv);
    long started = System.nanoTime();
    List<Figure> figures = new ArrayList<>();
    try (TestNetwork net = TestNetwork.createBridged(NET, 2)) {
      figures.add(measure(args, net));
    }
    Results.write(args, "probe_overhead", started, figures);
    System.exit(0);
  }

  private static Figure measure(BenchArgs args, TestNetwork net) throws Exception {
    Storm storm = new Storm(args.cDir(), net.host(1), net.host(2));
    // reports every second (production: 15 s): each run then crosses report generations, so the report programs
    // run in their steady state (a socket-storage lookup per send/receive), not the cheaper first interval
    Map<String, String> env = Map.of("K8SPACKET_AGENT_TLS_INTERFACES", "^" + net.rootInterfacePrefix(),
        "K8SPACKET_AGENT_HTTP_PORT", "0", "K8SPACKET_AGENT_NODE_NAME", "bench",
        "K8SPACKET_AGENT_REPORT_INTERVAL_MS", Long.toString(REPORT_INTERVAL_MS));
    AgentConfig config = AgentConfig.fromEnv(env);
    int pairs = args.pick(10, 3);
    double seconds = args.quick() ? 2.5 : 6;
    storm.forSeconds(1, 2); // warm the namespaces' caches
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Double> overheads = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    List<Double> off = new ArrayList<>();
    List<Double> agentCpuPerConn = new ArrayList<>();
    List<Double> agentThreadsCpuPerConn = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, List<Double>> perThread = new TreeMap<>();
    ArrayNode pairsJson = Figure.JSON.createArrayNode();
    for (int i = 0; i < pairs; i++) {
      double rateOn = 0;
      double rateOff = 0;
      for (int k = 0; k < 2; k++) {
        boolean attached = (i + k) % 2 == 0;
        if (attached) {
          try (NodeAgent agent = startAgent(config)) {
            long cpu0 = os.getProcessCpuTime();
            Map<String, Long> threads0 = agentThreadsCpu(threads);
            Storm.Run run = storm.forSeconds(seconds, 2);
            Map<String, Long> threads1 = agentThreadsCpu(threads);
            long total = 0;
            for (Map.Entry<String, Long> t : threads1.entrySet()) {
              long used = t.getValue() - threads0.getOrDefault(t.getKey(), 0L);
              total += used;
              perThread.computeIfAbsent(t.getKey(), name -> new ArrayList<>()).add((double) used / run.connections());
            }
            agentThreadsCpuPerConn.add((double) total / run.connections());
            agentCpuPerConn.add((double) (os.getProcessCpuTime() - cpu0) / run.connections());
            rateOn = run.connPerSecond();
          }
        } else {
          rateOff = storm.forSeconds(seconds, 2).connPerSecond();
        }
      }
      double overhead = 100.0 * (rateOff - rateOn) / rateOff;
      System.err.printf("[probe] pair %d: off %.0f conn/s, on %.0f conn/s, overhead %.1f%%%n", i, rateOff, rateOn,
          overhead);
      overheads.add(overhead);
      on.add(rateOn);
      off.add(rateOff);
      pairsJson.addObject().put("off", rateOff).put("on", rateOn).put("overhead_pct", overhead);
    }
    ObjectNode d = Figure.JSON.createObjectNode();
    Stats o = Stats.of(overheads);
    d.put("method", pairs + " interleaved on/off pairs of " + seconds + " s storms (2 client + 2 server threads,"
        + " 64-byte request and answer, server closes first) between two bridged netns hosts; on = NodeAgent with"
        + " TCP + report + TLS programs attached (report interval " + REPORT_INTERVAL_MS + " ms) and its readers"
        + " draining into a counting sink");
    d.put("overhead_pct_median", o.median());
    d.put("overhead_pct_min", o.min());
    d.put("overhead_pct_max", o.max());
    d.put("overhead_pct_p25", o.percentile(25));
    d.put("overhead_pct_p75", o.percentile(75));
    d.put("agent_process_cpu_ns_per_connection_median", Stats.of(agentCpuPerConn).median());
    d.put("agent_threads_cpu_ns_per_connection_median", Stats.of(agentThreadsCpuPerConn).median());
    ObjectNode byThread = d.putObject("agent_thread_cpu_ns_per_connection_median_by_name");
    perThread.forEach((name, values) -> byThread.put(name, Stats.of(values).median()));
    d.set("pairs", pairsJson);
    String kernelNote = kernelCost(args, storm, config, d, Stats.of(off).median());
    return new Figure("probe_overhead_pct", o.median(), "%", "<=", 3.0, Stats.of(on).median(),
        Stats.of(off).median(), String.format("%.0f conn/s attached (median)", Stats.of(on).median()),
        String.format("%.0f conn/s detached (median)", Stats.of(off).median()),
        String.format("spread %.1f..%.1f %% over %d pairs; agent threads %.0f ns CPU per connection (whole JVM,"
            + " JIT and bench included: %.0f); %s", o.min(), o.max(), pairs, Stats.of(agentThreadsCpuPerConn).median(),
            Stats.of(agentCpuPerConn).median(), kernelNote), d);
  }

  /** Kernel statistics runs: BPF run time per connection, per TCP-program run and per TLS packet. */
  private static String kernelCost(BenchArgs args, Storm storm, AgentConfig config, ObjectNode d, double offRate)
      throws Exception {
    long pid = ProcessHandle.current().pid();
    int runs = args.pick(3, 1);
    List<Double> perConn = new ArrayList<>();
    List<Double> tcpPerRun = new ArrayList<>();
    List<Double> tlsPerPacket = new ArrayList<>();
    List<Double> tlsRunsPerConn = new ArrayList<>();
    List<Double> tcpRunsPerConn = new ArrayList<>();
    List<Double> stormCpuPerConn = new ArrayList<>();
    ObjectNode programs = d.putObject("bpf_stats_last_run");
    try (BpfStats stats = BpfStats.enable()) {
      for (int r = 0; r < runs; r++) {
        try (NodeAgent agent = startAgent(config)) {
          Map<String, BpfStats.Prog> before = stats.read(pid);
          Storm.Run run = storm.forSeconds(args.pick(6, 3), 2);
          Map<String, BpfStats.Prog> delta = BpfStats.delta(before, stats.read(pid));
          long tcpNs = 0;
          long tcpRuns = 0;
          long tlsNs = 0;
          long tlsRuns = 0;
          programs.removeAll();
          for (BpfStats.Prog p : delta.values()) {
            programs.putObject(p.name()).put("run_time_ns", p.runTimeNs()).put("run_cnt", p.runCount())
                .put("ns_per_run", p.runCount() == 0 ? 0 : (double) p.runTimeNs() / p.runCount());
            if (p.name().startsWith("k8sp_tls")) {
              tlsNs += p.runTimeNs();
              tlsRuns += p.runCount();
            } else {
              tcpNs += p.runTimeNs();
              tcpRuns += p.runCount();
            }
          }
          if (tcpRuns == 0 || tlsRuns == 0) {
            throw new IllegalStateException("no BPF statistics for our programs: " + delta);
          }
          perConn.add((double) (tcpNs + tlsNs) / run.connections());
          tcpPerRun.add((double) tcpNs / tcpRuns);
          tlsPerPacket.add((double) tlsNs / tlsRuns);
          tlsRunsPerConn.add((double) tlsRuns / run.connections());
          tcpRunsPerConn.add((double) tcpRuns / run.connections());
          stormCpuPerConn.add(run.cpuNanos() / run.connections());
        }
      }
    }
    double ns = Stats.of(perConn).median();
    double stormCpu = Stats.of(stormCpuPerConn).median();
    d.put("bpf_ns_per_connection", ns);
    d.put("bpf_tcp_ns_per_run", Stats.of(tcpPerRun).median());
    d.put("bpf_tcp_runs_per_connection", Stats.of(tcpRunsPerConn).median());
    d.put("bpf_tls_ns_per_packet", Stats.of(tlsPerPacket).median());
    d.put("bpf_tls_runs_per_connection", Stats.of(tlsRunsPerConn).median());
    d.put("storm_cpu_ns_per_connection", stormCpu);
    d.put("bpf_share_of_connection_cpu_pct", 100 * ns / stormCpu);
    d.put("bpf_stats_runs", runs);
    d.put("detached_conn_per_s_median", offRate);
    return String.format("kernel BPF stats: %.0f ns per connection (%.1f%% of the storm's %.0f ns CPU per"
        + " connection), TCP %.0f ns per run, TLS %.0f ns per packet (%.1f packets per connection)", ns,
        100 * ns / stormCpu, stormCpu, Stats.of(tcpPerRun).median(), Stats.of(tlsPerPacket).median(),
        Stats.of(tlsRunsPerConn).median());
  }

  /**
   * CPU time of the agent's own threads ({@code k8spacket-*}: the two ring readers, the interface follower, HTTP),
   * without the JIT, the GC and this bench's process handling that the process CPU time also holds.
   */
  private static Map<String, Long> agentThreadsCpu(ThreadMXBean threads) {
    Map<String, Long> byName = new TreeMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("k8spacket-")) {
        byName.merge(t.getThreadName(), Math.max(0, threads.getThreadCpuTime(t.getThreadId())), Long::sum);
      }
    }
    return byName;
  }

  /** Starts the agent with a counting sink and waits until its TLS programs are on both veths. */
  static NodeAgent startAgent(AgentConfig config) throws InterruptedException {
    NodeAgent agent = NodeAgent.start(config, new CountingSink());
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (agent.tlsInterfaces().size() < 2) {
      if (System.nanoTime() > deadline) {
        agent.close();
        throw new IllegalStateException("TLS programs not attached to both veths: " + agent.tlsInterfaces());
      }
      Thread.sleep(20);
    }
    return agent;
  }
}
