package io.k8spacket.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint and template with every values file; the schema and the chart's own checks reject bad values. */
class ChartLintIT {
  static Stream<Path> ciValues() {
    return Helm.allCiValues().stream();
  }

  @Test
  void the_chart_lints_clean_with_its_defaults() {
    Helm.Result r = Helm.lint();
    assertThat(r.ok()).as(r.stdout() + r.stderr()).isTrue();
    assertThat(r.stdout()).contains("1 chart(s) linted, 0 chart(s) failed").doesNotContain("[WARNING]");
  }

  @ParameterizedTest
  @MethodSource("ciValues")
  void the_chart_lints_and_renders_with_each_ci_values_file(Path values) {
    Helm.Result r = Helm.lint("-f", values.toString());
    assertThat(r.ok()).as(r.stdout() + r.stderr()).isTrue();
    assertThat(r.stdout()).doesNotContain("[WARNING]");
    assertThat(Helm.template("-f", values.toString()).all()).isNotEmpty();
  }

  @Test
  void the_ci_folder_covers_external_kafka_scram_mutual_tls_monitors_and_network_policy() {
    assertThat(Helm.allCiValues()).extracting(p -> p.getFileName().toString()).contains(
        "external-kafka-values.yaml", "external-plaintext-values.yaml", "scram-values.yaml", "mtls-values.yaml",
        "monitors-values.yaml", "network-policy-values.yaml");
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("agent.httpPort=notanumber", "/agent/httpPort"),
        Arguments.of("agent.httpPort=70000", "/agent/httpPort"),
        Arguments.of("kafka.authentication=kerberos", "/kafka/authentication"),
        Arguments.of("agent.config.RING_BYTES=1", "RING_BYTES"),
        Arguments.of("streams.config.K8SPACKET_AGENT_TLS_ENABLED=false", "K8SPACKET_AGENT_TLS_ENABLED"),
        Arguments.of("topics.partitions=0", "/topics/partitions"),
        Arguments.of("streams.metadataSource=file", "/streams/metadataSource"),
        Arguments.of("kafka.bootstrapServers=no-port", "/kafka/bootstrapServers"),
        Arguments.of("unknownKey=1", "unknownKey"),
        Arguments.of("agent.tracefs.hostPath=relative/path", "/agent/tracefs/hostPath"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void the_schema_rejects_a_bad_value(String set, String named) {
    Helm.Result r = Helm.templateResult("--set", set);
    assertThat(r.ok()).as("helm template --set " + set + " should fail").isFalse();
    assertThat(r.stderr()).contains("schema").contains(named);
  }

  static Stream<Arguments> impossibleCombinations() {
    return Stream.of(
        Arguments.of(List.of("strimzi.enabled=false"), "kafka.bootstrapServers is required"),
        Arguments.of(List.of("strimzi.enabled=false", "kafka.bootstrapServers=k:9093"),
            "kafka.agent.secret and kafka.streams.secret are required"),
        Arguments.of(List.of("strimzi.enabled=false", "kafka.bootstrapServers=k:9093",
            "kafka.authentication=scram-sha-512", "kafka.agent.secret=a", "kafka.streams.secret=s"),
            "kafka.agent.username and kafka.streams.username are required"),
        Arguments.of(List.of("kafka.tls.enabled=false"), "needs kafka.tls.enabled=true"),
        Arguments.of(List.of("streams.standbyReplicas=1"), "streams.standbyReplicas (1) must be at most"),
        Arguments.of(List.of("topics.minInsyncReplicas=4"), "topics.minInsyncReplicas must be at most"));
  }

  @ParameterizedTest
  @MethodSource("impossibleCombinations")
  void values_that_cannot_work_together_stop_the_render_with_a_message(List<String> sets, String message) {
    String[] args = sets.stream().flatMap(s -> Stream.of("--set", s)).toArray(String[]::new);
    Helm.Result r = Helm.templateResult(args);
    assertThat(r.ok()).isFalse();
    assertThat(r.stderr()).contains(message);
  }

  @Test
  void the_packaged_chart_carries_the_dashboards_through_the_symlink(@TempDir Path out)
      throws IOException {
    Helm.Result r = Helm.run(List.of("package", Helm.chart().toString(), "--destination", out.toString()));
    assertThat(r.ok()).as(r.stderr()).isTrue();
    Path tgz;
    try (Stream<Path> files = Files.list(out)) {
      tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow();
    }
    Process list = new ProcessBuilder("tar", "-tzf", tgz.toString()).redirectErrorStream(true).start();
    String entries = new String(list.getInputStream().readAllBytes());
    for (Path json : Dashboards.files()) {
      assertThat(entries).contains("k8spacket/dashboards/" + json.getFileName());
    }
    assertThat(entries).contains("k8spacket/dashboards/provisioning/datasources.yaml")
        .doesNotContain("dashboards/pom.xml").doesNotContain("dashboards/src/").doesNotContain("k8spacket/ci/");
  }
}
