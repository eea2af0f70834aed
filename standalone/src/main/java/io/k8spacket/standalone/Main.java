package io.k8spacket.standalone;

import io.k8spacket.agent.AgentStartupException;
import io.k8spacket.kafka.EmbeddedKafkaBroker;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./k8spacket up}: runs the standalone stack until Ctrl-C or SIGTERM. Expected failures (not root, no
 * BTF, old kernel, port in use, bad option) print one line and exit 1 (2 for usage errors).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    List<String> rest = Arrays.asList(args);
    if (rest.isEmpty() || !rest.get(0).equals("up")) {
      System.err.println("usage: k8spacket up [--metadata FILE] [--http-port N] [--kafka-port N] [--data-dir DIR]");
      System.exit(2);
    }
    UpOptions options;
    try {
      options = UpOptions.parse(rest.subList(1, rest.size()));
    } catch (IllegalArgumentException e) {
      System.err.println("k8spacket: " + e.getMessage());
      System.exit(2);
      return;
    }
    StandaloneStack stack;
    try {
      stack = StandaloneStack.start(options, System.getenv(), System.out);
    } catch (Preflight.PreflightException | AgentStartupException | EmbeddedKafkaBroker.PortInUseException
        | IllegalArgumentException e) {
      System.err.println("k8spacket: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("k8spacket: stopping");
      stack.close();
      stopped.countDown();
    }, "k8spacket-shutdown"));
    System.out.println("k8spacket ready: http://localhost:" + stack.apiPort() + "/nodegraph/connections"
        + " (Grafana Node Graph API base URL: http://<this host>:" + stack.apiPort() + "/nodegraph); Ctrl-C stops");
    stopped.await();
  }
}
