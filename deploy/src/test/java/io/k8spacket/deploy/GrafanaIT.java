package io.k8spacket.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.deploy.Rendered.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The datasource ConfigMap points at this release; one dashboard ConfigMap per dashboards/*.json, byte for byte. */
class GrafanaIT {
  private static final String API = "http://k8spacket.k8spacket.svc.cluster.local:8080";

  @Test
  void each_dashboard_file_becomes_one_labelled_config_map_with_exactly_its_bytes() throws IOException {
    List<Manifest> maps = Helm.template().ofKind("ConfigMap").stream()
        .filter(m -> "1".equals(m.map("metadata.labels").get("grafana_dashboard"))).toList();
    List<Path> files = Dashboards.files();
    assertThat(files).isNotEmpty();
    assertThat(maps).hasSameSizeAs(files);
    for (Path file : files) {
      String key = file.getFileName().toString();
      Manifest cm = maps.stream().filter(m -> m.map("data").containsKey(key)).findFirst()
          .orElseThrow(() -> new AssertionError("no dashboard ConfigMap holds " + key));
      assertThat(cm.map("data")).containsOnlyKeys(key);
      assertThat(cm.map("data").get(key).toString()).as(key + " drifted from dashboards/" + key)
          .isEqualTo(Files.readString(file));
      assertThat(cm.map("metadata.annotations")).containsEntry("grafana_folder", "k8spacket");
    }
  }

  @Test
  void the_datasources_are_the_provisioning_file_with_urls_pointing_at_this_releases_service() throws IOException {
    Manifest cm = Helm.template().get("ConfigMap", "k8spacket-grafana-datasources");
    assertThat(cm.map("metadata.labels")).containsEntry("grafana_datasource", "1");
    String text = cm.map("data").get("k8spacket-datasources.yaml").toString();
    String source = Files.readString(Helm.repo().resolve("dashboards/provisioning/datasources.yaml"));
    assertThat(text).isEqualTo(source.replace("http://k8spacket:8080", API)
        .replace("http://prometheus:9090", "http://prometheus-operated.monitoring.svc:9090"));
    Map<String, Object> provisioning = Rendered.YAML.readValue(text, Map.class);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> datasources = (List<Map<String, Object>>) provisioning.get("datasources");
    assertThat(datasources).extracting(d -> d.get("uid"))
        .contains("k8spacket-prometheus", "k8spacket-nodegraph", "k8spacket-infinity");
    assertThat(datasources).filteredOn(d -> "k8spacket-prometheus".equals(d.get("uid"))).singleElement()
        .satisfies(d -> assertThat(d.get("url")).isEqualTo("http://prometheus-operated.monitoring.svc:9090"));
    for (Map<String, Object> ds : datasources) {
      for (Object url : List.of(String.valueOf(ds.get("url")), String.valueOf(Rendered.at(ds, "jsonData.url")),
          String.valueOf(Rendered.at(ds, "jsonData.customHealthCheckUrl")))) {
        if (!"null".equals(url) && !"k8spacket-prometheus".equals(ds.get("uid"))) {
          assertThat(url.toString()).as(ds.get("uid") + " url").startsWith(API);
        }
      }
    }
  }

  @Test
  void the_config_maps_go_where_grafana_looks_and_urls_follow_the_release() {
    Rendered r = Helm.template("-f", Helm.ciValues("monitors-values.yaml").toString());
    assertThat(r.ofKind("ConfigMap").stream().filter(m -> m.name().contains("grafana") || m.name().contains("dashboard")))
        .isNotEmpty().allSatisfy(m -> assertThat(m.string("metadata.namespace")).isEqualTo("monitoring"));
    String text = r.get("ConfigMap", "k8spacket-grafana-datasources").map("data").get("k8spacket-datasources.yaml")
        .toString();
    assertThat(text).contains("url: http://kube-prometheus-stack-prometheus.monitoring.svc:9090")
        .contains(API + "/nodegraph");
    assertThat(Helm.template("--set", "streams.apiPort=9090").get("ConfigMap", "k8spacket-grafana-datasources")
        .map("data").get("k8spacket-datasources.yaml").toString())
        .contains("http://k8spacket.k8spacket.svc.cluster.local:9090/nodegraph");
  }

  @Test
  void grafana_provisioning_can_be_left_out() {
    Rendered r = Helm.template("--set", "grafana.dashboards.enabled=false", "--set", "grafana.datasources.enabled=false");
    assertThat(r.ofKind("ConfigMap")).extracting(Manifest::name).containsExactly("k8spacket-kafka-client");
  }
}
