package io.k8spacket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Collects the figures every benchmark wrote ({@code <out>/*.json}), writes {@code bench/RESULTS.md} (date,
 * machine, and one table row per figure with its baseline and the ratio) and prints one JSON object with
 * every figure's value on one line: the last line of {@code ./bench/run}.
 */
public final class Report {
  private Report() {}

  /** What the run was: when, on what, how long. */
  public record Run(String date, String machine, boolean quick, long seconds) {}

  public static void main(String[] argv) throws IOException {
    boolean quick = false;
    Path out = Path.of("bench", "target", "results");
    Path md = Path.of("bench", "RESULTS.md");
    long seconds = 0;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(argv[++i]);
        case "--results-md" -> md = Path.of(argv[++i]);
        case "--seconds" -> seconds = Long.parseLong(argv[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
      }
    }
    List<Figure> figures = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode root = Figure.JSON.readTree(file.toFile());
        if (root.hasNonNull("error")) {
          errors.add(root.path("bench").asText() + ": " + root.path("error").asText());
        }
        root.path("figures").forEach(f -> figures.add(Figure.fromJson(f)));
      }
    }
    Run run = new Run(DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC)
        .withNano(0).toInstant()), machine(), quick, seconds);
    String kept = Files.exists(md) ? keptSection(Files.readString(md)) : "";
    Files.writeString(md, markdown(run, figures, errors) + kept);
    System.out.println(Figure.JSON.writeValueAsString(json(run, figures, errors)));
  }

  /** The one-line JSON: run facts, then each figure's value by name (null when not measured). */
  static ObjectNode json(Run run, List<Figure> figures, List<String> errors) {
    ObjectNode n = Figure.JSON.createObjectNode();
    n.put("date", run.date());
    n.put("quick", run.quick());
    n.put("seconds", run.seconds());
    for (Figure f : figures) {
      if (f.value() == null) {
        n.putNull(f.name());
      } else {
        n.put(f.name(), round(f.value()));
      }
    }
    ObjectNode met = n.putObject("goals_met");
    figures.stream().filter(f -> f.met() != null).forEach(f -> met.put(f.name(), f.met()));
    if (!errors.isEmpty()) {
      errors.forEach(n.putArray("errors")::add);
    }
    return n;
  }

  /** RESULTS.md: what ran where, then one row per figure. */
  static String markdown(Run run, List<Figure> figures, List<String> errors) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append("Written by `./bench/run").append(run.quick() ? " --quick" : "")
        .append("` (bench/README.md says what each"
        + " figure measures and how). Every measured figure is compared with a baseline run side by side in the"
        + " same run, interleaved, because the machine is shared: read the ratios, not the absolute numbers.\n\n");
    md.append("- date: ").append(run.date()).append('\n');
    md.append("- machine: ").append(run.machine()).append('\n');
    md.append("- mode: ").append(run.quick() ? "quick" : "full").append(", ").append(run.seconds())
        .append(" s\n\n");
    md.append("| figure | value | goal | met | measured | baseline | ratio | note |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Figure f : figures) {
      md.append("| `").append(f.name()).append("` | ")
          .append(f.value() == null ? "not measured" : format(f.value()) + " " + f.unit()).append(" | ")
          .append(f.goalOp() == null ? "" : f.goalOp() + " " + format(f.goal())).append(" | ")
          .append(f.met() == null ? "" : f.met() ? "yes" : "**no**").append(" | ")
          .append(cell(f.measuredText())).append(" | ")
          .append(cell(f.baselineText())).append(" | ")
          .append(f.ratio() == null ? "" : format(f.ratio())).append(" | ")
          .append(cell(f.note())).append(" |\n");
    }
    if (!errors.isEmpty()) {
      md.append("\nBenchmarks that failed (their figures are missing):\n\n");
      errors.forEach(e -> md.append("- ").append(cell(e)).append('\n'));
    }
    md.append("\nDetails of each figure (medians, spreads, per-round values) are in `bench/target/results/*.json`"
        + " after a run.\n");
    return md.toString();
  }

  /** Heading of the hand-written part of RESULTS.md that every run keeps below the table. */
  static final String KEPT_HEADING = "## Before and after";

  /**
   * The part of an earlier RESULTS.md from {@link #KEPT_HEADING} on (the profiled causes and the figures before
   * and after each fix, written by people), preceded by a blank line; empty when there is none.
   */
  static String keptSection(String previous) {
    int at = previous.startsWith(KEPT_HEADING) ? 0 : previous.indexOf("\n" + KEPT_HEADING);
    return at < 0 ? "" : "\n" + previous.substring(at == 0 ? 0 : at + 1);
  }

  static String format(Double v) {
    if (v == null) {
      return "";
    }
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e6 || a < 0.01)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static double round(double v) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.4g", v));
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
    } catch (IOException e) {
      // keep unknown
    }
    long memGiB = 0;
    try {
      memGiB = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024).findFirst().orElse(0L);
    } catch (IOException e) {
      // keep 0
    }
    return String.format(Locale.ROOT, "%s, %d cores, %d GiB, Linux %s, Java %s, load average %.2f at the end",
        cpu, Runtime.getRuntime().availableProcessors(), memGiB, System.getProperty("os.version"),
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
