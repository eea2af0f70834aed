package io.k8spacket.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.streams.state.BoundedRocksDbMemory;
import io.k8spacket.streams.topology.LogAndCountDeserializationHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsAppConfigTest {
  @Test
  void defaults_are_the_documented_ones() {
    StreamsAppConfig c = StreamsAppConfig.defaults();

    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.applicationId()).isEqualTo("k8spacket-streams");
    assertThat(c.stateDir()).isEqualTo(Path.of(".k8spacket/streams-state"));
    assertThat(c.tcpTopic()).isEqualTo("k8spacket.tcp.v1");
    assertThat(c.metadataTopic()).isEqualTo("k8spacket.metadata.v1");
    assertThat(c.connectionsTopic()).isEqualTo("k8spacket.connections.v1");
    assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.windowGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.edgeRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(c.persistentThreshold()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.metadataHistoryRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(c.matchRetention()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.twinWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.metadataFile()).isEmpty();
    assertThat(c.metadataFilePoll()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.applicationServer()).isEmpty();
    assertThat(c.numStreamThreads()).isEqualTo(1);
    assertThat(c.replicationFactor()).isEqualTo(-1);
    assertThat(c.numStandbyReplicas()).isZero();
  }

  @Test
  void every_setting_is_read_from_its_variable() {
    StreamsAppConfig c = StreamsAppConfig.fromEnv(Map.ofEntries(
        Map.entry("K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", "kafka-0:9092,kafka-1:9092"),
        Map.entry("K8SPACKET_STREAMS_APPLICATION_ID", "app"),
        Map.entry("K8SPACKET_STREAMS_STATE_DIR", "/var/lib/k8spacket"),
        Map.entry("K8SPACKET_STREAMS_TCP_TOPIC", "t"),
        Map.entry("K8SPACKET_STREAMS_METADATA_TOPIC", "m"),
        Map.entry("K8SPACKET_STREAMS_CONNECTIONS_TOPIC", "c"),
        Map.entry("K8SPACKET_STREAMS_WINDOW_SIZE", "5m"),
        Map.entry("K8SPACKET_STREAMS_WINDOW_GRACE", "PT30S"),
        Map.entry("K8SPACKET_STREAMS_EDGE_RETENTION", "2d"),
        Map.entry("K8SPACKET_STREAMS_PERSISTENT_THRESHOLD", "1500ms"),
        Map.entry("K8SPACKET_STREAMS_METADATA_HISTORY_RETENTION", "48h"),
        Map.entry("K8SPACKET_STREAMS_MATCH_RETENTION", "90s"),
        Map.entry("K8SPACKET_STREAMS_TWIN_WAIT", "20s"),
        Map.entry("K8SPACKET_STREAMS_METADATA_FILE", "/etc/k8spacket/endpoints.yaml"),
        Map.entry("K8SPACKET_STREAMS_METADATA_FILE_POLL", "250ms"),
        Map.entry("K8SPACKET_STREAMS_APPLICATION_SERVER", "streams-0.streams:8080"),
        Map.entry("K8SPACKET_STREAMS_NUM_STREAM_THREADS", "2"),
        Map.entry("K8SPACKET_STREAMS_REPLICATION_FACTOR", "3"),
        Map.entry("K8SPACKET_STREAMS_NUM_STANDBY_REPLICAS", "1")));

    assertThat(c.bootstrapServers()).isEqualTo("kafka-0:9092,kafka-1:9092");
    assertThat(c.applicationId()).isEqualTo("app");
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/k8spacket"));
    assertThat(c.tcpTopic()).isEqualTo("t");
    assertThat(c.metadataTopic()).isEqualTo("m");
    assertThat(c.connectionsTopic()).isEqualTo("c");
    assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.windowGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.edgeRetention()).isEqualTo(Duration.ofDays(2));
    assertThat(c.persistentThreshold()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.metadataHistoryRetention()).isEqualTo(Duration.ofHours(48));
    assertThat(c.matchRetention()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.twinWait()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.metadataFile()).contains(Path.of("/etc/k8spacket/endpoints.yaml"));
    assertThat(c.metadataFilePoll()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.applicationServer()).contains("streams-0.streams:8080");
    assertThat(c.numStreamThreads()).isEqualTo(2);
    assertThat(c.replicationFactor()).isEqualTo(3);
    assertThat(c.numStandbyReplicas()).isEqualTo(1);
  }

  @Test
  void a_blank_variable_means_the_default() {
    StreamsAppConfig c = StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_WINDOW_SIZE", "  ",
        "K8SPACKET_STREAMS_APPLICATION_SERVER", ""));

    assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.applicationServer()).isEqualTo(Optional.empty());
  }

  @Test
  void streams_properties_ask_for_exactly_once_and_name_no_default_serdes() {
    Properties p = StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_APPLICATION_SERVER", "10.0.0.5:8080"))
        .streamsProperties();

    assertThat(p).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "k8spacket-streams")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, ".k8spacket/streams-state")
        .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "10.0.0.5:8080")
        .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            LogAndCountDeserializationHandler.class.getName())
        .doesNotContainKeys(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
            StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG);
    assertThat(StreamsAppConfig.defaults().streamsProperties())
        .doesNotContainKey(StreamsConfig.APPLICATION_SERVER_CONFIG);
  }

  @Test
  void rocksdb_is_under_one_memory_budget_of_256_mib_by_default() {
    assertThat(StreamsAppConfig.defaults().streamsProperties())
        .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class.getName())
        .containsEntry(BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString(256L << 20));
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_ROCKSDB_MEMORY_MIB", "64")).streamsProperties())
        .containsEntry(BoundedRocksDbMemory.BUDGET_CONFIG, Long.toString(64L << 20));
    assertRefused("K8SPACKET_STREAMS_ROCKSDB_MEMORY_MIB", "8");
  }

  @Test
  void a_bad_value_is_refused_naming_its_variable() {
    assertRefused("K8SPACKET_STREAMS_WINDOW_SIZE", "one minute");
    assertRefused("K8SPACKET_STREAMS_WINDOW_SIZE", "0s");
    assertRefused("K8SPACKET_STREAMS_WINDOW_GRACE", "-PT1S");
    assertRefused("K8SPACKET_STREAMS_PERSISTENT_THRESHOLD", "10");
    assertRefused("K8SPACKET_STREAMS_APPLICATION_SERVER", "streams-0");
    assertRefused("K8SPACKET_STREAMS_APPLICATION_SERVER", "streams-0:99999");
    assertRefused("K8SPACKET_STREAMS_BOOTSTRAP_SERVERS", "kafka:9092,");
    assertRefused("K8SPACKET_STREAMS_NUM_STREAM_THREADS", "0");
    assertRefused("K8SPACKET_STREAMS_REPLICATION_FACTOR", "0");
    assertRefused("K8SPACKET_STREAMS_NUM_STANDBY_REPLICAS", "x");
  }

  @Test
  void tls_settings_have_their_defaults_and_are_read_from_their_variables() {
    StreamsAppConfig d = StreamsAppConfig.defaults();
    assertThat(d.tlsTopic()).isEqualTo("k8spacket.tls.v1");
    assertThat(d.tlsSessionsTopic()).isEqualTo("k8spacket.tls-sessions.v1");
    assertThat(d.certificatesTopic()).isEqualTo("k8spacket.certificates.v1");
    assertThat(d.tlsRetention()).isEqualTo(Duration.ofHours(24));
    assertThat(d.certificateMaxClients()).isEqualTo(200);

    StreamsAppConfig c = StreamsAppConfig.fromEnv(Map.of(
        "K8SPACKET_STREAMS_TLS_TOPIC", "tls",
        "K8SPACKET_STREAMS_TLS_SESSIONS_TOPIC", "sessions",
        "K8SPACKET_STREAMS_CERTIFICATES_TOPIC", "certs",
        "K8SPACKET_STREAMS_TLS_RETENTION", "7d",
        "K8SPACKET_STREAMS_CERTIFICATE_MAX_CLIENTS", "50"));
    assertThat(c.tlsTopic()).isEqualTo("tls");
    assertThat(c.tlsSessionsTopic()).isEqualTo("sessions");
    assertThat(c.certificatesTopic()).isEqualTo("certs");
    assertThat(c.tlsRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(c.certificateMaxClients()).isEqualTo(50);
    assertRefused("K8SPACKET_STREAMS_CERTIFICATE_MAX_CLIENTS", "0");
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_TLS_RETENTION", "2m")))
        .hasMessage("K8SPACKET_STREAMS_TLS_RETENTION must be at least K8SPACKET_STREAMS_WINDOW_SIZE"
            + " + K8SPACKET_STREAMS_WINDOW_GRACE (PT3M)");
  }

  @Test
  void reverse_dns_is_off_by_default_and_its_cache_is_bounded() {
    StreamsAppConfig d = StreamsAppConfig.defaults();
    assertThat(d.reverseDns()).isFalse();
    assertThat(d.reverseDnsCacheSize()).isEqualTo(10_000);
    assertThat(d.reverseDnsTtl()).isEqualTo(Duration.ofHours(1));

    StreamsAppConfig c = StreamsAppConfig.fromEnv(Map.of(
        "K8SPACKET_STREAMS_REVERSE_DNS", "TRUE",
        "K8SPACKET_STREAMS_REVERSE_DNS_CACHE_SIZE", "500",
        "K8SPACKET_STREAMS_REVERSE_DNS_TTL", "10m"));
    assertThat(c.reverseDns()).isTrue();
    assertThat(c.reverseDnsCacheSize()).isEqualTo(500);
    assertThat(c.reverseDnsTtl()).isEqualTo(Duration.ofMinutes(10));
    assertRefused("K8SPACKET_STREAMS_REVERSE_DNS", "yes");
    assertRefused("K8SPACKET_STREAMS_REVERSE_DNS_CACHE_SIZE", "0");
    assertRefused("K8SPACKET_STREAMS_REVERSE_DNS_TTL", "0s");
  }

  @Test
  void metadata_source_is_the_file_when_one_is_set_else_none_unless_chosen() {
    StreamsAppConfig d = StreamsAppConfig.defaults();
    assertThat(d.metadataSource()).isEqualTo(StreamsAppConfig.MetadataSourceKind.NONE);
    assertThat(d.leaseNamespace()).isEqualTo("default");
    assertThat(d.leaseName()).isEqualTo("k8spacket-metadata-publisher");
    assertThat(d.informerResync()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.leaseIdentity()).isEmpty();
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_METADATA_FILE", "e.yaml")).metadataSource())
        .isEqualTo(StreamsAppConfig.MetadataSourceKind.FILE);

    StreamsAppConfig k = StreamsAppConfig.fromEnv(Map.of(
        "K8SPACKET_STREAMS_METADATA_SOURCE", "kubernetes",
        "POD_NAMESPACE", "k8spacket",
        "POD_NAME", "streams-1",
        "HOSTNAME", "host-a",
        "K8SPACKET_STREAMS_LEASE_NAME", "lease",
        "K8SPACKET_STREAMS_INFORMER_RESYNC", "0s"));
    assertThat(k.metadataSource()).isEqualTo(StreamsAppConfig.MetadataSourceKind.KUBERNETES);
    assertThat(k.leaseNamespace()).isEqualTo("k8spacket");
    assertThat(k.leaseName()).isEqualTo("lease");
    assertThat(k.informerResync()).isZero();
    assertThat(k.leaseIdentity()).contains("streams-1");
    assertThat(StreamsAppConfig.fromEnv(Map.of("HOSTNAME", "host-a", "POD_NAMESPACE", "k8spacket",
        "K8SPACKET_STREAMS_LEASE_NAMESPACE", "ops")))
        .satisfies(c -> assertThat(c.leaseIdentity()).contains("host-a"))
        .satisfies(c -> assertThat(c.leaseNamespace()).isEqualTo("ops"));
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_METADATA_FILE", "e.yaml",
        "K8SPACKET_STREAMS_METADATA_SOURCE", "None")).metadataSource())
        .isEqualTo(StreamsAppConfig.MetadataSourceKind.NONE);
    assertRefused("K8SPACKET_STREAMS_METADATA_SOURCE", "informers");
    assertRefused("K8SPACKET_STREAMS_METADATA_SOURCE", "file");
    assertRefused("K8SPACKET_STREAMS_INFORMER_RESYNC", "-1s");
  }

  @Test
  void edge_retention_shorter_than_window_plus_grace_is_refused() {
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_EDGE_RETENTION", "2m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("K8SPACKET_STREAMS_EDGE_RETENTION must be at least K8SPACKET_STREAMS_WINDOW_SIZE"
            + " + K8SPACKET_STREAMS_WINDOW_GRACE (PT3M)");
  }

  @Test
  void a_twin_wait_longer_than_the_window_grace_or_the_match_retention_is_refused() {
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_TWIN_WAIT", "0s")).twinWait()).isZero();
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_TWIN_WAIT", "2m")).twinWait())
        .isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_TWIN_WAIT", "121s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("K8SPACKET_STREAMS_TWIN_WAIT must be at most K8SPACKET_STREAMS_WINDOW_GRACE (PT2M)"
            + " and K8SPACKET_STREAMS_MATCH_RETENTION (PT10M)");
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_WINDOW_GRACE", "0s")))
        .hasMessageStartingWith("K8SPACKET_STREAMS_TWIN_WAIT must be at most");
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_MATCH_RETENTION", "10s")))
        .hasMessageStartingWith("K8SPACKET_STREAMS_TWIN_WAIT must be at most");
    assertRefused("K8SPACKET_STREAMS_TWIN_WAIT", "-1s");
  }

  @Test
  void a_kafka_config_file_adds_client_settings_to_streams_and_the_metadata_publisher(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
        + "ssl.truststore.location=/etc/k8spacket/ca.p12\nprocessing.guarantee=at_least_once\n");

    StreamsAppConfig c = StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_KAFKA_CONFIG_FILE", file.toString()));

    assertThat(c.streamsProperties()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", "/etc/k8spacket/ca.p12")
        .containsEntry("processing.guarantee", "exactly_once_v2");
    assertThat(c.kafkaClientConfig()).hasSize(4); // the app's own settings win on a conflict
    assertThat(StreamsAppConfig.defaults().kafkaClientConfig()).isEmpty();
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_KAFKA_CONFIG_FILE",
        dir.resolve("missing").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("K8SPACKET_STREAMS_KAFKA_CONFIG_FILE: cannot read " + dir.resolve("missing"));
  }

  @Test
  void rollup_windows_are_a_larger_multiple_of_the_window_or_none() {
    assertThat(StreamsAppConfig.defaults().rollupWindowSize()).isEqualTo(Duration.ofHours(1));
    assertThat(StreamsAppConfig.defaults().rollupRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_ROLLUP_WINDOW_SIZE", "0s")).rollupWindowSize())
        .isZero();
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_ROLLUP_WINDOW_SIZE", "90s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("K8SPACKET_STREAMS_ROLLUP_WINDOW_SIZE must be 0 or a multiple of K8SPACKET_STREAMS_WINDOW_SIZE"
            + " (PT1M) larger than it, got PT1M30S");
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_ROLLUP_WINDOW_SIZE", "1m")))
        .hasMessageStartingWith("K8SPACKET_STREAMS_ROLLUP_WINDOW_SIZE must be 0 or a multiple");
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of("K8SPACKET_STREAMS_ROLLUP_RETENTION", "1h")))
        .hasMessage("K8SPACKET_STREAMS_ROLLUP_RETENTION must be at least K8SPACKET_STREAMS_ROLLUP_WINDOW_SIZE + "
            + "K8SPACKET_STREAMS_WINDOW_GRACE (PT1H2M)");
  }

  @Test
  void settings_list_every_variable_once_with_a_doc() {
    assertThat(StreamsAppConfig.settings()).hasSize(37)
        .allSatisfy(s -> {
          assertThat(s.env()).startsWith("K8SPACKET_STREAMS_");
          assertThat(s.doc()).isNotBlank();
        })
        .extracting(StreamsAppConfig.Setting::env).doesNotHaveDuplicates();
    Map<String, String> allDefaults = new HashMap<>();
    StreamsAppConfig.settings().forEach(s -> allDefaults.put(s.env(), s.defaultValue()));
    assertThat(StreamsAppConfig.fromEnv(allDefaults).windowSize()).isEqualTo(Duration.ofMinutes(1));
  }

  private static void assertRefused(String variable, String value) {
    assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of(variable, value)))
        .as("%s=%s", variable, value)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable);
  }
}
