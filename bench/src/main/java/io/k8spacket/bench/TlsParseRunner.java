package io.k8spacket.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8spacket.agent.tls.TlsFixtures;
import io.k8spacket.agent.tls.TlsParseBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Figure {@code tls_parse_per_s}: {@link TlsParseBench} under JMH, in several rounds (each round a fresh fork of
 * every benchmark) so that the agent's parse and the JDK baseline alternate on the shared machine; the figure is
 * the median over rounds, the ratio the median of the rounds' ratios.
 */
public final class TlsParseRunner {
  public static void main(String[] argv) throws Exception {
    BenchArgs args = BenchArgs.parse(argv);
    long started = System.nanoTime();
    Path fixtures = args.work().resolve("tls").toAbsolutePath();
    TlsFixtures.write(fixtures);
    int rounds = args.pick(3, 1);
    Map<String, List<Double>> scores = new HashMap<>();
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      Options options = new OptionsBuilder()
          .include(TlsParseBench.class.getName() + "\\.")
          .forks(1)
          .warmupIterations(args.pick(3, 2)).warmupTime(TimeValue.seconds(1))
          .measurementIterations(args.pick(5, 3)).measurementTime(TimeValue.seconds(1))
          .jvmArgsAppend("-Dbench.tls.fixtures=" + fixtures, "-Xmx512m")
          .shouldFailOnError(true)
          .build();
      Map<String, Double> round = new HashMap<>();
      for (RunResult result : new Runner(options).run()) {
        String name = result.getParams().getBenchmark();
        name = name.substring(name.lastIndexOf('.') + 1);
        round.put(name, result.getPrimaryResult().getScore());
        scores.computeIfAbsent(name, k -> new ArrayList<>()).add(result.getPrimaryResult().getScore());
      }
      ratios.add(round.get("agentHandshake") / round.get("jdkGenerateCertificates"));
      System.err.printf("[tls] round %d: %s%n", r, round);
    }
    double agent = Stats.of(scores.get("agentHandshake")).median();
    double jdk = Stats.of(scores.get("jdkGenerateCertificates")).median();
    double repeated = Stats.of(scores.get("agentRepeatedChain")).median();
    ObjectNode d = Figure.JSON.createObjectNode();
    d.put("method", "JMH throughput, 1 fork per benchmark per round, " + rounds + " rounds; a handshake = ClientHello"
        + " (JDK client, TLS 1.3+1.2 offered) + ServerHello (TLS 1.2) + Certificate message of a 3-certificate"
        + " RSA-2048 chain; 2048 distinct chains in turn so neither the JDK's nor the agent's cache hits");
    d.put("agent_handshakes_per_s_median", agent);
    d.put("agent_repeated_chain_per_s_median", repeated);
    d.put("jdk_generate_certificates_per_s_median", jdk);
    d.put("ratio_min", Stats.of(ratios).min());
    d.put("ratio_max", Stats.of(ratios).max());
    Results.write(args, "tls_parse", started, List.of(new Figure("tls_parse_per_s", agent, "handshakes/s", null, null,
        agent, jdk, String.format("%.0f handshakes/s parsed by the agent (hellos + 3-certificate chain)", agent),
        String.format("%.0f chains/s, JDK CertificateFactory.generateCertificates alone", jdk),
        String.format("agent/JDK per round: median %.2f; a chain seen before: %.0f handshakes/s",
            Stats.of(ratios).median(), repeated), d)));
    System.exit(0);
  }
}
