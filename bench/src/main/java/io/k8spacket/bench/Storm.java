package io.k8spacket.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8spacket.testsupport.net.TestHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The C connection storm ({@code bench/c/storm.c}) between two test hosts: client threads in one network
 * namespace, server threads in the other. A C loop rather than Java sockets so that the load itself has no
 * JIT or GC pauses to add noise to on/off comparisons.
 */
public final class Storm {
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(18_000);

  /** One run: connections made, seconds, rate, and the storm process's CPU time (user + system). */
  public record Run(long connections, long failed, double seconds, double connPerSecond, double cpuNanos) {}

  private final Path binary;
  private final TestHost client;
  private final TestHost server;

  public Storm(Path cDir, TestHost client, TestHost server) {
    this.binary = cDir.resolve("storm").toAbsolutePath();
    this.client = client;
    this.server = server;
    sysctl(client, "net.ipv4.ip_local_port_range", "1024 65000");
    sysctl(client, "net.ipv4.tcp_tw_reuse", "1");
    sysctl(server, "net.ipv4.tcp_tw_reuse", "1");
  }

  public Run forSeconds(double seconds, int threads) {
    return run(List.of("--seconds", Double.toString(seconds), "--threads", Integer.toString(threads)));
  }

  public Run forCount(long count, int threads) {
    return run(List.of("--count", Long.toString(count), "--threads", Integer.toString(threads)));
  }

  private Run run(List<String> extra) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--client-ns", client.namespace(),
        "--server-ns", server.namespace(), "--addr", server.ipv4().getHostAddress(), "--port",
        Integer.toString(NEXT_PORT.getAndUpdate(p -> p >= 18_900 ? 18_000 : p + 1))));
    command.addAll(extra);
    String out = Processes.output(new ProcessBuilder(command), 600);
    try {
      JsonNode n = Figure.JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
      Run run = new Run(n.path("connections").asLong(), n.path("failed").asLong(), n.path("seconds").asDouble(),
          n.path("conn_per_s").asDouble(), n.path("cpu_ns").asDouble());
      if (run.connections() == 0) {
        throw new IllegalStateException("storm made no connection: " + out);
      }
      return run;
    } catch (IOException e) {
      throw new IllegalStateException("storm printed no JSON: " + out, e);
    }
  }

  private static void sysctl(TestHost host, String key, String value) {
    Processes.output(host.command("sysctl", "-q", "-w", key + "=" + value), 30);
  }

}
