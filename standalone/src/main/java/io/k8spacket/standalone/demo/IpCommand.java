package io.k8spacket.standalone.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs iproute2's {@code ip} to set up and remove the demo's namespaces and links (never for traffic). */
final class IpCommand {
  private IpCommand() {}

  /** Runs {@code ip ARGS}; throws with ip's output when it fails. */
  static String run(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run ip (apt-get install iproute2)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** Names of the links in the machine's own network namespace. */
  static List<String> rootLinks() {
    try (Stream<Path> dirs = Files.list(Path.of("/sys/class/net"))) {
      return dirs.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /sys/class/net", e);
    }
  }

  /** Names of the named network namespaces ({@code ip netns list}). */
  static List<String> namespaces() {
    List<String> names = new ArrayList<>();
    for (String line : run("netns", "list").split("\n")) {
      if (!line.isBlank()) {
        names.add(line.strip().split("\\s+")[0]);
      }
    }
    return names;
  }

  /** Deletes a root-namespace link; one already gone (removed with its veth peer) is fine. */
  static void deleteLinkIfPresent(String name) {
    try {
      run("link", "del", name);
    } catch (IllegalStateException e) {
      if (Files.exists(Path.of("/sys/class/net", name))) {
        throw e;
      }
    }
  }
}
