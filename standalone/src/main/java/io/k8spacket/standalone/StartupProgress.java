package io.k8spacket.standalone;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Startup lines as the steps happen: {@code kafka    starting …} when a step begins, intermediate states, and
 * {@code kafka    ready in 1.2 s: …} when it is done, so a slow step shows where the time goes.
 */
final class StartupProgress {
  private final PrintStream out;
  private final Map<String, Long> started = new HashMap<>();

  StartupProgress(PrintStream out) {
    this.out = out;
  }

  void begin(String part, String what) {
    started.put(part, System.nanoTime());
    out.println(label(part) + what + " ...");
  }

  void step(String part, String what) {
    out.println(label(part) + what);
  }

  void done(String part, String what) {
    long ns = System.nanoTime() - started.getOrDefault(part, System.nanoTime());
    out.println(label(part) + String.format(Locale.ROOT, "ready in %.1f s: ", ns / 1e9) + what);
  }

  /** The part's name padded to one column, as the other launcher lines. */
  static String label(String part) {
    return String.format(Locale.ROOT, "%-9s", part);
  }
}
