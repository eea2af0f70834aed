package io.k8spacket.standalone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.testsupport.net.TestNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code demo} in a child JVM, as {@code ./k8spacket demo} runs it: killed with SIGKILL it leaves its namespaces
 * and links behind (nothing can run at a kill -9); the next start removes those leftovers first and says so, and a
 * normal stop (SIGTERM, what Ctrl-C sends too) removes everything it made.
 */
class DemoCleanupIT {
  private static final Path WORK = Path.of("target", "it-demo-cleanup");
  /** Every namespace and root link a running demo has: 7 namespaces (6 pods, 1 external site), 7 veth ends, the bridge. */
  private static final int DEMO_PARTS = 15;
  private final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void root() {
    TestNetwork.assumeRoot("the demo makes network namespaces and loads eBPF programs");
  }

  @AfterEach
  void killChildren() throws InterruptedException {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    DemoNetwork.removeLeftovers();
  }

  @Test
  void a_killed_demo_leaves_leftovers_that_the_next_start_removes_and_a_stopped_demo_leaves_nothing()
      throws Exception {
    Path firstLog = WORK.resolve("first-" + UUID.randomUUID() + ".log");
    Process first = startDemo(firstLog);
    awaitReady(first, firstLog);
    assertThat(DemoNetwork.present()).hasSize(DEMO_PARTS)
        .contains("namespace k8spdemo-fe", "link k8spdemo-fe", "link " + DemoNetwork.BRIDGE);

    first.destroyForcibly(); // kill -9: no shutdown hook runs
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);
    assertThat(DemoNetwork.present()).as("a crash leaves the demo's parts behind").hasSize(DEMO_PARTS);

    Path secondLog = WORK.resolve("second-" + UUID.randomUUID() + ".log");
    Process second = startDemo(secondLog);
    awaitReady(second, secondLog);
    assertThat(Files.readString(secondLog)).contains("demo     removed " + DEMO_PARTS + " leftovers of an earlier run: link ");
    assertThat(DemoNetwork.present()).hasSize(DEMO_PARTS);

    second.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook removes everything
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the demo stops within 60 s").isTrue();
    assertThat(Files.readString(secondLog)).contains("k8spacket: stopping");
    assertThat(DemoNetwork.present()).as("a stopped demo leaves nothing").isEmpty();
  }

  /** {@code Main demo} in a child JVM with this test's class path, output to {@code log}. */
  private Process startDemo(Path log) throws Exception {
    Files.createDirectories(WORK);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx768m", "-cp", System.getProperty("java.class.path"),
        "io.k8spacket.standalone.Main", "demo", "--http-port", "0", "--kafka-port", "0",
        "--data-dir", WORK.resolve("data-" + UUID.randomUUID()).toString(), "--handoff-after", "1h")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    children.add(child);
    return child;
  }

  private static void awaitReady(Process child, Path log) {
    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250)).until(() -> {
      assertThat(child.isAlive()).as("demo exited early:\n%s", Files.readString(log)).isTrue();
      return Files.readString(log).contains("k8spacket ready");
    });
  }
}
