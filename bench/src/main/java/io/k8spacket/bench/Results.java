package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the figures of one benchmark to {@code <out>/<bench>.json} for {@link Report}. */
public final class Results {
  private Results() {}

  public static void write(BenchArgs args, String bench, long startedNanos, List<Figure> figures) {
    ObjectNode root = Figure.JSON.createObjectNode();
    root.put("bench", bench);
    root.put("quick", args.quick());
    root.put("seconds", (System.nanoTime() - startedNanos) / 1e9);
    root.put("load_average_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    ArrayNode list = root.putArray("figures");
    figures.forEach(f -> list.add(f.toJson()));
    try {
      Files.createDirectories(args.out());
      Files.writeString(args.out().resolve(bench + ".json"),
          Figure.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Figure f : figures) {
      System.err.printf("[bench] %s = %s %s (goal %s %s) measured=%s baseline=%s ratio=%s%s%n", f.name(),
          f.value(), f.unit(), f.goalOp(), f.goal(), f.measuredText(), f.baselineText(), f.ratio(),
          f.note() == null ? "" : " note: " + f.note());
    }
  }
}
