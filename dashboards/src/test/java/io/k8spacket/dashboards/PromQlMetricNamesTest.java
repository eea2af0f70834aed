package io.k8spacket.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Prometheus queries use only the metric names (and their labels) that k8spacket's processes export. Micrometer
 * names become Prometheus names with dots as underscores, {@code _total} on counters, and
 * {@code _seconds_count/_sum/_max} on timers.
 */
class PromQlMetricNamesTest {
  private static final Set<String> TRAFFIC = Set.of("client_namespace", "client_workload", "server_namespace",
      "server_workload");
  private static final Set<String> NONE = Set.of();

  /** Metric → its labels (besides Prometheus' own {@code instance} and {@code job}). */
  static final Map<String, Set<String>> CONTRACT = new LinkedHashMap<>();

  static {
    // streams-app, TlsMetrics (HANDSHAKES, CERTIFICATE_EXPIRY).
    CONTRACT.put("k8spacket_tls_handshakes_total", union(TRAFFIC, Set.of("tls_version", "cipher_suite")));
    CONTRACT.put("k8spacket_tls_certificate_expiry_timestamp_seconds", Set.of("server", "port", "domain"));
    // streams-app, the traffic metrics contract of issue 5 (counter, counter by direction, histogram).
    CONTRACT.put("k8spacket_connections_total", TRAFFIC);
    CONTRACT.put("k8spacket_connection_bytes_total", union(TRAFFIC, Set.of("direction")));
    CONTRACT.put("k8spacket_connection_duration_seconds_bucket", union(TRAFFIC, Set.of("le")));
    CONTRACT.put("k8spacket_connection_duration_seconds_sum", TRAFFIC);
    CONTRACT.put("k8spacket_connection_duration_seconds_count", TRAFFIC);
    // streams-app: state gauge (1 for the current state; issue 5 contract), skipped records
    // (LogAndCountDeserializationHandler.SKIPPED_METRIC, tags topic and reason), and the consumers' lag
    // (Micrometer KafkaStreamsMetrics, kafka.consumer.fetch.manager.records.lag.max).
    CONTRACT.put("k8spacket_streams_state", Set.of("state"));
    CONTRACT.put("k8spacket_streams_records_skipped_total", Set.of("topic", "reason"));
    CONTRACT.put("kafka_consumer_fetch_manager_records_lag_max",
        Set.of("client_id", "topic", "partition", "kafka_version"));
    // node-agent, AgentMetrics: counters (Counter and FunctionCounter) ...
    for (String counter : List.of("events_read", "events_sent", "send_failures", "decode_errors",
        "tls_chunks_read", "tls_handshakes", "kernel_drops", "untracked_closes", "tls_kernel_drops",
        "tls_kernel_flows", "tls_kernel_truncations", "tls_kernel_gaps", "tls_assembler_segment_bytes",
        "tls_assembler_duplicate_bytes", "tls_assembler_dropped_bytes", "tls_assembler_handshakes_timed_out",
        "tls_assembler_flows_evicted", "tls_assembler_flows_abandoned", "tls_assembler_parse_errors",
        "tls_assembler_emit_failures", "tls_assembler_fetches_succeeded", "tls_assembler_fetches_failed")) {
      CONTRACT.put("k8spacket_agent_" + counter + "_total", NONE);
    }
    // ... and gauges.
    for (String gauge : List.of("ring_buffer_used_bytes", "ring_buffer_capacity_bytes",
        "tls_ring_buffer_used_bytes", "tls_ring_buffer_capacity_bytes", "tls_interfaces_attached",
        "tls_assembler_flows", "tls_assembler_bytes_held", "producer_buffer_used_bytes")) {
      CONTRACT.put("k8spacket_agent_" + gauge, NONE);
    }
  }

  /** query-api, RequestMetrics.TIMER (k8spacket.api.requests, tags route, method, status). */
  static final List<String> QUERY_API_METRICS = List.of("k8spacket_api_requests_seconds_count",
      "k8spacket_api_requests_seconds_sum", "k8spacket_api_requests_seconds_max");

  static {
    QUERY_API_METRICS.forEach(m -> CONTRACT.put(m, Set.of("route", "method", "status")));
  }

  private static final Set<String> PROMETHEUS_LABELS = Set.of("instance", "job");

  @Test
  void prometheus_queries_use_only_exported_metrics_and_their_labels() {
    List<String> problems = new ArrayList<>();
    Set<String> used = new HashSet<>();
    Dashboards.all().forEach((file, dashboard) -> {
      for (Dashboards.Text query : PromQl.queries(dashboard)) {
        PromQl.Names names = PromQl.read(query.text());
        String where = file + " " + query.where() + ": " + query.text();
        if (names.metrics().isEmpty()) {
          problems.add(where + ": no metric");
        }
        Set<String> labels = new HashSet<>(PROMETHEUS_LABELS);
        for (String metric : names.metrics()) {
          used.add(metric);
          if (!CONTRACT.containsKey(metric)) {
            problems.add(where + ": unknown metric " + metric);
          } else {
            labels.addAll(CONTRACT.get(metric));
          }
        }
        for (String label : names.labels()) {
          if (!labels.contains(label)) {
            problems.add(where + ": label " + label + " is not one of " + names.metrics() + "'s");
          }
        }
      }
    });
    assertThat(problems).isEmpty();
    // The contract's headline metrics are all on a dashboard.
    assertThat(used).contains("k8spacket_connections_total", "k8spacket_connection_bytes_total",
        "k8spacket_connection_duration_seconds_bucket", "k8spacket_connection_duration_seconds_sum",
        "k8spacket_connection_duration_seconds_count", "k8spacket_tls_handshakes_total",
        "k8spacket_tls_certificate_expiry_timestamp_seconds", "k8spacket_agent_kernel_drops_total",
        "kafka_consumer_fetch_manager_records_lag_max", "k8spacket_streams_state",
        "k8spacket_streams_records_skipped_total", "k8spacket_api_requests_seconds_count",
        "k8spacket_api_requests_seconds_sum", "k8spacket_api_requests_seconds_max");
  }

  @Test
  void the_reader_finds_metrics_and_labels_but_not_functions_keywords_or_variables() {
    PromQl.Names names = PromQl.read("histogram_quantile(0.95, sum by (le) (rate(x_bucket{a=~\"$a\", b!=\"c\"}"
        + "[$__rate_interval]))) / on (a) group_left y_total offset 5m or vector(0) > bool 1e3");
    assertThat(names.metrics()).containsExactly("x_bucket", "y_total");
    assertThat(names.labels()).containsExactlyInAnyOrder("le", "a", "b");
    PromQl.Names variable = PromQl.read("label_values(m_total{s=~\"$s\"}, w)");
    assertThat(variable.metrics()).containsExactly("m_total");
    assertThat(variable.labels()).containsExactlyInAnyOrder("s", "w");
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
