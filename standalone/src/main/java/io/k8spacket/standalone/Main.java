package io.k8spacket.standalone;

import io.k8spacket.agent.AgentStartupException;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import io.k8spacket.standalone.observe.Observe;
import io.k8spacket.standalone.observe.ObserveOptions;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's commands: {@code up} runs the standalone stack, {@code demo} the stack plus a simulated
 * cluster with traffic, both until Ctrl-C or SIGTERM; {@code observe} prints the enriched topics as they fill.
 * Expected failures (not root, no BTF, old kernel, port in use, bad option, no broker) print one line and exit 1
 * (2 for usage errors).
 */
public final class Main {
  static final String USAGE = """
      usage: k8spacket up [--metadata FILE] [--http-port N] [--kafka-port N] [--data-dir DIR]
             k8spacket demo [--http-port N] [--kafka-port N] [--data-dir DIR] [--handoff-after 3m]
             k8spacket observe [--bootstrap HOST:PORT] [--namespace RE] [--workload RE] [--since 10m]
                               [--output text|json] [--kafka-config FILE]""";

  private static final CountDownLatch STOPPED = new CountDownLatch(1);
  private static final String AVRO_TRUSTED = "org.apache.avro.SERIALIZABLE_PACKAGES";

  private Main() {}

  public static void main(String[] args) throws Exception {
    // Avro decodes only into trusted packages; the launcher sets this too, a plain java -cp may not
    if (System.getProperty(AVRO_TRUSTED) == null) {
      System.setProperty(AVRO_TRUSTED, "io.k8spacket.avro");
    }
    List<String> all = Arrays.asList(args);
    String command = all.isEmpty() ? "" : all.get(0);
    List<String> rest = all.isEmpty() ? List.of() : all.subList(1, all.size());
    try {
      switch (command) {
        case "up" -> up(UpOptions.parse(rest));
        case "demo" -> demo(DemoOptions.parse(rest));
        case "observe" -> observe(ObserveOptions.parse(rest));
        default -> {
          System.err.println(USAGE);
          System.exit(2);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("k8spacket: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void up(UpOptions options) throws InterruptedException {
    StandaloneStack stack;
    try {
      stack = StandaloneStack.start(options, System.getenv(), System.out);
    } catch (Preflight.PreflightException | AgentStartupException | EmbeddedKafkaBroker.PortInUseException
        | IllegalArgumentException | IllegalStateException e) {
      fail(e);
      return;
    }
    runUntilStopped(stack);
    System.out.println(ready(stack.apiPort()) + "; Ctrl-C stops");
    awaitStop();
  }

  private static void demo(DemoOptions options) throws Exception {
    DemoRun demo;
    try {
      demo = DemoRun.start(options, System.getenv(), System.out);
    } catch (Preflight.PreflightException | AgentStartupException | EmbeddedKafkaBroker.PortInUseException
        | IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      fail(e);
      return;
    }
    runUntilStopped(demo);
    System.out.println(ready(demo.stack().apiPort()) + "; Ctrl-C stops and removes the demo's namespaces and links");
    awaitStop();
  }

  private static void observe(ObserveOptions options) {
    Observe observe;
    try {
      observe = Observe.connect(options, System.out);
    } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
      fail(e);
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      observe.wakeup();
      try {
        done.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "k8spacket-observe-stop"));
    try {
      observe.run(() -> true);
    } finally {
      done.countDown();
    }
  }

  /** The line that says where to look. */
  static String ready(int port) {
    return "k8spacket ready: open http://localhost:" + port + "/ (graph, TLS, certificates); API "
        + "http://localhost:" + port + "/nodegraph/connections; Grafana Node Graph API base URL "
        + "http://<this host>:" + port + "/nodegraph";
  }

  private static void runUntilStopped(AutoCloseable running) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("k8spacket: stopping");
      try {
        running.close();
      } catch (Exception e) {
        System.err.println("k8spacket: while stopping: " + e);
      }
      STOPPED.countDown();
    }, "k8spacket-shutdown"));
  }

  private static void awaitStop() throws InterruptedException {
    STOPPED.await();
  }

  private static void fail(Exception e) {
    System.err.println("k8spacket: " + e.getMessage());
    System.exit(1);
  }
}
