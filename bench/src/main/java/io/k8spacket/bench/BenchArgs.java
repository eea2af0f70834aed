package io.k8spacket.bench;

import java.nio.file.Path;

/**
 * Arguments every benchmark main takes from {@code ./bench/run}: {@code --quick}, {@code --out DIR} (where the
 * figure's JSON goes), {@code --work DIR} (scratch space: broker data, state), {@code --c DIR} (the built C
 * helpers: {@code storm}, {@code ringc}).
 */
public record BenchArgs(boolean quick, Path out, Path work, Path cDir) {
  public static BenchArgs parse(String[] args) {
    boolean quick = false;
    Path out = Path.of("bench", "target", "results");
    Path work = Path.of("bench", "target", "work");
    Path c = Path.of("bench", "target", "c");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--c" -> c = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return new BenchArgs(quick, out, work, c);
  }

  /** {@code full} in a full run, {@code quick} with {@code --quick}. */
  public int pick(int full, int quick) {
    return this.quick ? quick : full;
  }
}
