package io.k8spacket.deploy;

import static io.k8spacket.deploy.Rendered.container;
import static io.k8spacket.deploy.Rendered.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.deploy.Rendered.Manifest;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** KafkaTopics, KafkaUsers with least-privilege ACLs, and the client properties of each security mode. */
class StrimziIT {
  private static final String APP = "k8spacket-streams";

  @Test
  void every_topic_is_a_kafka_topic_with_its_partitions_and_retention_and_the_state_topics_are_compacted() {
    Map<String, Manifest> topics = topics(Helm.template());
    assertThat(topics).containsOnlyKeys("k8spacket.tcp.v1", "k8spacket.tls.v1", "k8spacket.metadata.v1",
        "k8spacket.connections.v1", "k8spacket.tls-sessions.v1", "k8spacket.certificates.v1",
        "k8spacket.dead-letters.v1");
    topics.values().forEach(t -> {
      assertThat(t.string("apiVersion")).isEqualTo("kafka.strimzi.io/v1");
      assertThat(t.map("metadata.labels")).containsEntry("strimzi.io/cluster", "k8spacket");
      assertThat(t.at("spec.partitions")).isEqualTo(6);
      assertThat(t.at("spec.replicas")).isEqualTo(3);
      assertThat(t.map("spec.config")).containsEntry("min.insync.replicas", 2);
    });
    for (String compacted : List.of("k8spacket.metadata.v1", "k8spacket.certificates.v1")) {
      assertThat(topics.get(compacted).map("spec.config")).containsEntry("cleanup.policy", "compact")
          .doesNotContainKey("retention.ms");
    }
    for (String appended : List.of("k8spacket.tcp.v1", "k8spacket.tls.v1", "k8spacket.connections.v1",
        "k8spacket.tls-sessions.v1", "k8spacket.dead-letters.v1")) {
      assertThat(topics.get(appended).map("spec.config")).containsEntry("cleanup.policy", "delete")
          .containsKey("retention.ms");
    }
    assertThat(topics.get("k8spacket.tcp.v1").map("spec.config")).containsEntry("retention.ms", 86400000);
  }

  @Test
  void the_co_partitioned_topics_share_one_partition_count_and_renamed_topics_reach_the_processes() {
    Rendered r = Helm.template("-f", Helm.ciValues("scram-values.yaml").toString());
    Map<String, Manifest> topics = topics(r);
    for (String joined : List.of("prod.k8spacket.tcp.v1", "k8spacket.tls.v1", "k8spacket.metadata.v1")) {
      assertThat(topics.get(joined).at("spec.partitions")).as(joined).isEqualTo(12);
    }
    assertThat(topics.get("prod.k8spacket.tcp.v1").map("spec.config")).containsEntry("retention.ms", 3600000);
    assertThat(env(container(r.only("DaemonSet"), "agent"), "K8SPACKET_AGENT_TCP_TOPIC")).isEqualTo("prod.k8spacket.tcp.v1");
    assertThat(env(container(r.only("StatefulSet"), "streams"), "K8SPACKET_STREAMS_TCP_TOPIC"))
        .isEqualTo("prod.k8spacket.tcp.v1");
    assertThat(acls(r, "k8spacket-agent")).containsEntry("topic:prod.k8spacket.tcp.v1:literal", List.of("Write", "Describe"));
  }

  @Test
  void the_agent_may_only_write_and_describe_its_two_topics() {
    assertThat(acls(Helm.template(), "k8spacket-agent")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "topic:k8spacket.tcp.v1:literal", List.of("Write", "Describe"),
        "topic:k8spacket.tls.v1:literal", List.of("Write", "Describe")));
  }

  @Test
  void the_streams_app_reads_its_inputs_writes_its_outputs_and_owns_only_its_internal_topics_group_and_transactions() {
    assertThat(acls(Helm.template(), "k8spacket-streams")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "topic:k8spacket.tcp.v1:literal", List.of("Read", "Describe"),
        "topic:k8spacket.tls.v1:literal", List.of("Read", "Describe"),
        "topic:k8spacket.metadata.v1:literal", List.of("Read", "Write", "Describe"),
        "topic:k8spacket.connections.v1:literal", List.of("Write", "Describe"),
        "topic:k8spacket.tls-sessions.v1:literal", List.of("Write", "Describe"),
        "topic:k8spacket.certificates.v1:literal", List.of("Write", "Describe"),
        "topic:k8spacket.dead-letters.v1:literal", List.of("Write", "Describe"),
        "topic:" + APP + "-:prefix", List.of("All"),
        "group:" + APP + ":literal", List.of("All"),
        "transactionalId:" + APP + "-:prefix", List.of("Write", "Describe")));
  }

  @Test
  void the_acl_prefixes_follow_the_application_id() {
    Map<String, List<String>> acls = acls(Helm.template("-f", Helm.ciValues("scram-values.yaml").toString()),
        "k8spacket-streams");
    assertThat(acls).containsKeys("topic:k8spacket-prod-:prefix", "group:k8spacket-prod:literal",
        "transactionalId:k8spacket-prod-:prefix").doesNotContainKey("group:" + APP + ":literal");
  }

  @Test
  void mutual_tls_uses_the_kafka_users_keystore_and_the_cluster_ca() throws IOException {
    Rendered r = Helm.template();
    assertThat(r.ofKind("KafkaUser")).allSatisfy(u -> assertThat(u.string("spec.authentication.type")).isEqualTo("tls"));
    for (String component : List.of("agent", "streams")) {
      Properties p = properties(r, component);
      assertThat(p).containsEntry("security.protocol", "SSL")
          .containsEntry("ssl.keystore.type", "PKCS12")
          .containsEntry("ssl.keystore.location", "/etc/k8spacket/kafka/user/user.p12")
          .containsEntry("ssl.keystore.password", "${dir:/etc/k8spacket/kafka/user:user.password}")
          .containsEntry("ssl.truststore.type", "PEM")
          .containsEntry("ssl.truststore.location", "/etc/k8spacket/kafka/ca/ca.crt")
          .containsEntry("config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider")
          .doesNotContainKey("sasl.jaas.config");
    }
    Manifest ds = r.only("DaemonSet");
    Map<String, Map<String, Object>> volumes = WorkloadsIT.byName(ds.at("spec.template.spec.volumes"));
    assertThat(Rendered.at(volumes.get("kafka-user"), "secret.secretName")).isEqualTo("k8spacket-agent");
    assertThat(Rendered.at(volumes.get("kafka-user"), "secret.items")).asList().extracting("path")
        .containsExactlyInAnyOrder("user.p12", "user.password");
    assertThat(Rendered.at(volumes.get("kafka-ca"), "secret.secretName")).isEqualTo("k8spacket-cluster-ca-cert");
    Map<String, Map<String, Object>> streamsVolumes = WorkloadsIT.byName(r.only("StatefulSet").at("spec.template.spec.volumes"));
    assertThat(Rendered.at(streamsVolumes.get("kafka-user"), "secret.secretName")).isEqualTo("k8spacket-streams");
  }

  @Test
  void scram_builds_the_jaas_line_around_the_password_file_and_talks_to_the_scram_listener() throws IOException {
    Rendered r = Helm.template("-f", Helm.ciValues("scram-values.yaml").toString());
    assertThat(r.ofKind("KafkaUser")).hasSize(2)
        .allSatisfy(u -> assertThat(u.string("spec.authentication.type")).isEqualTo("scram-sha-512"));
    Properties agent = properties(r, "agent");
    assertThat(agent).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"k8spacket-agent\" password=\"${dir:/etc/k8spacket/kafka/user:password}\";")
        .doesNotContainKey("ssl.keystore.location");
    assertThat(properties(r, "streams").getProperty("sasl.jaas.config")).contains("username=\"k8spacket-streams\"");
    assertThat(env(container(r.only("StatefulSet"), "streams"), "K8SPACKET_STREAMS_BOOTSTRAP_SERVERS"))
        .isEqualTo("k8spacket-kafka-bootstrap.k8spacket.svc:9094");
  }

  @Test
  void an_existing_kafka_gets_no_strimzi_resources_and_uses_the_given_bootstrap_ca_and_secrets() throws IOException {
    Rendered r = Helm.template("-f", Helm.ciValues("external-kafka-values.yaml").toString());
    assertThat(r.kinds()).doesNotContain("KafkaTopic", "KafkaUser");
    Map<String, Object> agent = container(r.only("DaemonSet"), "agent");
    assertThat(env(agent, "K8SPACKET_AGENT_KAFKA_BOOTSTRAP"))
        .isEqualTo("kafka-0.kafka.example.svc:9096,kafka-1.kafka.example.svc:9096");
    assertThat(properties(r, "agent")).containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(properties(r, "agent").getProperty("sasl.jaas.config")).contains("username=\"svc-k8spacket-agent\"");
    Map<String, Map<String, Object>> volumes = WorkloadsIT.byName(r.only("DaemonSet").at("spec.template.spec.volumes"));
    assertThat(Rendered.at(volumes.get("kafka-ca"), "secret.secretName")).isEqualTo("corp-kafka-ca");
    assertThat(Rendered.at(volumes.get("kafka-ca"), "secret.items.0")).isEqualTo(Map.of("key", "ca.pem", "path", "ca.crt"));
    assertThat(Rendered.at(volumes.get("kafka-user"), "secret.items.0"))
        .isEqualTo(Map.of("key", "kafka-password", "path", "password"));
  }

  @Test
  void plaintext_mounts_no_secret_at_all() throws IOException {
    Rendered r = Helm.template("-f", Helm.ciValues("external-plaintext-values.yaml").toString());
    assertThat(properties(r, "agent")).containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKeys("ssl.truststore.location", "sasl.jaas.config", "ssl.keystore.location");
    for (Manifest w : List.of(r.only("DaemonSet"), r.only("StatefulSet"))) {
      assertThat(WorkloadsIT.byName(w.at("spec.template.spec.volumes"))).doesNotContainKeys("kafka-ca", "kafka-user");
    }
  }

  @Test
  void no_config_map_of_any_values_file_holds_a_literal_secret() {
    for (var values : Helm.allCiValues()) {
      for (Manifest cm : Helm.template("-f", values.toString()).ofKind("ConfigMap")) {
        cm.map("data").forEach((key, text) -> assertThat(text.toString())
            .as(cm + " " + key).doesNotContainPattern("(?i)password=(?!\"?\\$\\{dir:)"));
      }
      assertThat(Helm.template("-f", values.toString()).kinds()).doesNotContain("Secret");
    }
  }

  /** "type:name:patternType" -> operations, of the named KafkaUser. */
  @SuppressWarnings("unchecked")
  static Map<String, List<String>> acls(Rendered r, String user) {
    Manifest u = r.get("KafkaUser", user);
    assertThat(u.string("spec.authorization.type")).isEqualTo("simple");
    assertThat(u.list("spec.authorization.acls")).allSatisfy(a -> assertThat(a.get("host")).isEqualTo("*"));
    return u.list("spec.authorization.acls").stream().collect(Collectors.toMap(
        a -> Rendered.at(a, "resource.type") + ":" + Rendered.at(a, "resource.name") + ":"
            + Rendered.at(a, "resource.patternType"),
        a -> (List<String>) Rendered.at(a, "operations")));
  }

  private static Map<String, Manifest> topics(Rendered r) {
    return r.ofKind("KafkaTopic").stream().collect(Collectors.toMap(t -> t.string("spec.topicName"), t -> t));
  }

  static Properties properties(Rendered r, String component) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(r.get("ConfigMap", "k8spacket-kafka-client").map("data").get(component + ".properties")
        .toString()));
    return p;
  }
}
