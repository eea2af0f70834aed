package io.k8spacket.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The repository's dashboards (the only copy; the chart reaches them through its dashboards symlink). */
final class Dashboards {
  private Dashboards() {}

  static Path dir() {
    return Helm.repo().resolve("dashboards");
  }

  /** dashboards/*.json, sorted. */
  static List<Path> files() {
    try (Stream<Path> files = Files.list(dir())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
