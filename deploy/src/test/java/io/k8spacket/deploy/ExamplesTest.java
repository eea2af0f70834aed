package io.k8spacket.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The files next to the chart agree with it and with the code: the example Kafka cluster, Grafana values, images. */
class ExamplesTest {
  @Test
  void the_example_kafka_cluster_has_the_listeners_the_chart_defaults_to_with_acls_and_the_projects_kafka_version()
      throws IOException {
    List<Rendered.Manifest> docs = Rendered.parse(Files.readString(deploy("strimzi/kafka.yaml"))).all();
    Rendered.Manifest kafka = docs.stream().filter(d -> "Kafka".equals(d.kind())).findFirst().orElseThrow();
    Rendered.Manifest pool = docs.stream().filter(d -> "KafkaNodePool".equals(d.kind())).findFirst().orElseThrow();
    assertThat(kafka.name()).isEqualTo(chartDefault("strimzi.clusterName"));
    assertThat(kafka.string("apiVersion")).isEqualTo(chartDefault("strimzi.apiVersion"));
    assertThat(pool.map("metadata.labels")).containsEntry("strimzi.io/cluster", kafka.name());
    assertThat(kafka.list("spec.kafka.listeners")).anySatisfy(l -> {
      assertThat(l.get("port")).isEqualTo(9093);
      assertThat(l.get("tls")).isEqualTo(true);
      assertThat(Rendered.at(l, "authentication.type")).isEqualTo("tls");
    }).anySatisfy(l -> {
      assertThat(l.get("port")).isEqualTo(9094);
      assertThat(l.get("tls")).isEqualTo(true);
      assertThat(Rendered.at(l, "authentication.type")).isEqualTo("scram-sha-512");
    });
    assertThat(kafka.string("spec.kafka.authorization.type")).isEqualTo("simple");
    assertThat(kafka.map("spec.kafka.config")).containsEntry("auto.create.topics.enable", false);
    assertThat(kafka.string("spec.kafka.version")).isEqualTo(rootPomProperty("kafka.version"));
  }

  @Test
  void the_grafana_values_select_the_labels_the_chart_puts_on_its_config_maps() throws IOException {
    Object kps = Rendered.YAML.readValue(deploy("monitoring/kube-prometheus-stack-values.yaml").toFile(), Object.class);
    assertThat(Rendered.at(kps, "grafana.sidecar.dashboards.label")).isEqualTo("grafana_dashboard");
    assertThat(Rendered.at(kps, "grafana.sidecar.dashboards.labelValue")).isEqualTo("1");
    assertThat(Rendered.at(kps, "grafana.sidecar.dashboards.folderAnnotation")).isEqualTo("grafana_folder");
    assertThat(Rendered.at(kps, "grafana.sidecar.datasources.label")).isEqualTo("grafana_datasource");
    assertThat(Rendered.at(kps, "grafana.sidecar.datasources.labelValue")).isEqualTo("1");
    Object values = Rendered.YAML.readValue(Helm.chart().resolve("values.yaml").toFile(), Object.class);
    assertThat(Rendered.at(values, "grafana.dashboards.labels")).isEqualTo(Map.of("grafana_dashboard", "1"));
    assertThat(Rendered.at(values, "grafana.datasources.labels")).isEqualTo(Map.of("grafana_datasource", "1"));
    String datasources = Files.readString(Helm.repo().resolve("dashboards/provisioning/datasources.yaml"));
    assertThat(Rendered.at(kps, "grafana.plugins")).asList().allSatisfy(p -> assertThat(datasources).contains(p.toString()));
  }

  @Test
  void the_images_start_main_classes_and_logging_files_that_exist() throws IOException {
    Map<String, String> mains = Map.of(
        "agent.Dockerfile", "node-agent/src/main/java/io/k8spacket/agent/AgentMain.java",
        "streams.Dockerfile", "streams-app/src/main/java/io/k8spacket/streams/StreamsMain.java");
    for (var e : mains.entrySet()) {
      String dockerfile = Files.readString(deploy("docker/" + e.getKey()));
      String mainClass = e.getValue().replaceFirst("^[^/]+/src/main/java/", "").replace(".java", "").replace('/', '.');
      assertThat(dockerfile).contains("\"" + mainClass + "\"");
      assertThat(Helm.repo().resolve(e.getValue())).exists();
      assertThat(dockerfile).contains("-pl " + e.getValue().substring(0, e.getValue().indexOf('/')) + " -am package");
      assertThat(deploy("docker/" + e.getKey() + ".dockerignore")).exists();
    }
    assertThat(Helm.repo().resolve("node-agent/src/main/resources/k8spacket-agent-log4j2.xml")).exists();
    assertThat(deploy("docker/streams-log4j2.xml")).exists();
  }

  private static Path deploy(String path) {
    return Helm.repo().resolve("deploy").resolve(path);
  }

  private static Object chartDefault(String path) throws IOException {
    return Rendered.at(Rendered.YAML.readValue(Helm.chart().resolve("values.yaml").toFile(), Object.class), path);
  }

  private static String rootPomProperty(String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(
        Files.readString(Helm.repo().resolve("pom.xml")));
    assertThat(m.find()).as(name + " in the root pom").isTrue();
    return m.group(1);
  }
}
