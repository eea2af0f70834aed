package io.k8spacket.standalone;

import io.k8spacket.agent.AgentConfig;
import io.k8spacket.standalone.demo.DemoCluster;
import io.k8spacket.standalone.demo.DemoNetwork;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./k8spacket demo}: everything {@code up} runs, plus the simulated cluster of {@link DemoCluster} with
 * its traffic. Start order: preflight, leftovers of a crashed run removed, pods and metadata file, the stack
 * (naming from that file, capturing TLS on the pods' veths too), then traffic. {@link #close()} removes every
 * namespace and link first, then stops the stack.
 */
public final class DemoRun implements AutoCloseable {
  private final DemoCluster cluster;
  private final StandaloneStack stack;
  private boolean closed;

  private DemoRun(DemoCluster cluster, StandaloneStack stack) {
    this.cluster = cluster;
    this.stack = stack;
  }

  /** Starts the demo; on failure removes what it made and rethrows. */
  public static DemoRun start(DemoOptions options, Map<String, String> env, PrintStream out) throws Exception {
    Preflight.requireRoot();
    Preflight.requireFreePorts(new UpOptions(Optional.empty(), options.httpPort(), options.kafkaPort(),
        options.dataDir()));
    DemoCluster cluster = DemoCluster.create(options.dataDir().toAbsolutePath(), out);
    StandaloneStack stack;
    try {
      stack = StandaloneStack.start(options.upOptions(cluster.metadataFile()), demoEnv(env), out);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    cluster.startTraffic(options.handoffAfter(), out);
    return new DemoRun(cluster, stack);
  }

  /** TLS capture also on the demo pods' veths, unless the caller chose interfaces. */
  static Map<String, String> demoEnv(Map<String, String> env) {
    Map<String, String> demo = new HashMap<>(env);
    String key = AgentConfig.PREFIX + "TLS_INTERFACES";
    if (demo.getOrDefault(key, "").isBlank()) {
      demo.put(key, AgentConfig.DEFAULT_TLS_INTERFACES + "|^" + DemoNetwork.PREFIX + "-");
    }
    return demo;
  }

  public StandaloneStack stack() {
    return stack;
  }

  public DemoCluster cluster() {
    return cluster;
  }

  /** Removes the pods (namespaces, veths, bridge), then stops the stack; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      cluster.close();
    } finally {
      stack.close();
    }
  }
}
