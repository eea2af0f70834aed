package io.k8spacket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's own per-program statistics ({@code kernel.bpf_stats_enabled=1}, then {@code bpftool prog show}:
 * {@code run_time_ns} and {@code run_cnt} of each program), for the programs this process loaded whose names
 * start with {@code k8sp_}. Enabling the statistics costs two clock reads per program run, so they are on only
 * for the runs that read them, and the previous setting is restored.
 */
public final class BpfStats implements AutoCloseable {
  private static final Path SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");

  /** Run time and run count of one program. */
  public record Prog(String name, long runTimeNs, long runCount) {}

  private final String previous;

  private BpfStats(String previous) {
    this.previous = previous;
  }

  /** Turns the statistics on until {@link #close()}. */
  public static BpfStats enable() {
    try {
      String previous = Files.readString(SYSCTL).trim();
      Files.writeString(SYSCTL, "1");
      return new BpfStats(previous);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot enable kernel.bpf_stats_enabled", e);
    }
  }

  /** Programs named {@code k8sp_*} held by process {@code pid}, by name (several of one name are summed). */
  public Map<String, Prog> read(long pid) {
    try {
      JsonNode progs = Figure.JSON.readTree(Processes.output(new ProcessBuilder("bpftool", "prog", "show",
          "--json"), 60));
      Map<String, Prog> out = new HashMap<>();
      for (JsonNode p : progs) {
        String name = p.path("name").asText();
        if (!name.startsWith("k8sp_") || !heldBy(p, pid)) {
          continue;
        }
        Prog old = out.get(name);
        long t = p.path("run_time_ns").asLong();
        long c = p.path("run_cnt").asLong();
        out.put(name, old == null ? new Prog(name, t, c) : new Prog(name, old.runTimeNs() + t, old.runCount() + c));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean heldBy(JsonNode prog, long pid) {
    JsonNode pids = prog.path("pids");
    if (!pids.isArray() || pids.isEmpty()) {
      return true; // bpftool without pid support: cannot tell, count it
    }
    for (JsonNode p : pids) {
      if (p.path("pid").asLong() == pid) {
        return true;
      }
    }
    return false;
  }

  /** Differences {@code after - before} per program name. */
  public static Map<String, Prog> delta(Map<String, Prog> before, Map<String, Prog> after) {
    Map<String, Prog> d = new HashMap<>();
    after.forEach((name, a) -> {
      Prog b = before.getOrDefault(name, new Prog(name, 0, 0));
      d.put(name, new Prog(name, a.runTimeNs() - b.runTimeNs(), a.runCount() - b.runCount()));
    });
    return d;
  }

  @Override
  public void close() {
    try {
      Files.writeString(SYSCTL, previous);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore kernel.bpf_stats_enabled", e);
    }
  }
}
