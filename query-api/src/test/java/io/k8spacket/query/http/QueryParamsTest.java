package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.query.EdgeQuery;
import io.k8spacket.query.GroupBy;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.query.TimeRange;
import io.k8spacket.query.nodegraph.StatsType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
  private static final Instant NOW = Instant.parse("2026-05-12T10:00:00Z");
  private final QueryParams params = new QueryParams(QueryApiConfig.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

  private EdgeQuery parse(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return params.edgeQuery(map::get);
  }

  private void assertBad(String message, String... keyValues) {
    assertThatThrownBy(() -> parse(keyValues)).isInstanceOf(BadRequestException.class).hasMessage(message);
  }

  @Test
  void nothing_given_means_everything_until_one_window_after_now_grouped_by_workload() {
    EdgeQuery q = parse();
    assertThat(q.range()).isEqualTo(new TimeRange(0, NOW.toEpochMilli() + 60_000));
    assertThat(q.groupBy()).isEqualTo(GroupBy.WORKLOAD);
    assertThat(q.filter().namespace()).isNull();
  }

  @Test
  void empty_parameters_count_as_absent() {
    EdgeQuery q = parse("namespace", "", "include", "", "exclude", "", "from", "", "to", "", "group-by", "");
    assertThat(q).isEqualTo(parse());
  }

  @Test
  void from_and_to_are_epoch_milliseconds() {
    assertThat(parse("from", "1717000000000", "to", "1717021600000").range())
        .isEqualTo(new TimeRange(1717000000000L, 1717021600000L));
    assertThat(parse("from", "0", "to", "0").range()).isEqualTo(new TimeRange(0, 0));
  }

  @Test
  void non_integer_times_are_refused_naming_the_parameter() {
    assertBad("parameter 'from' must be an integer (epoch milliseconds), was 'now-6h'", "from", "now-6h");
    assertBad("parameter 'to' must be an integer (epoch milliseconds), was '1.5e12'", "to", "1.5e12");
  }

  @Test
  void negative_times_are_refused() {
    assertBad("parameter 'from' must not be negative, was -1", "from", "-1");
  }

  @Test
  void epoch_seconds_are_refused() {
    assertBad("parameter 'from' looks like epoch seconds (1717000000); send epoch milliseconds",
        "from", "1717000000");
    assertBad("parameter 'to' looks like epoch seconds (99999999999); send epoch milliseconds",
        "to", "99999999999");
    assertThat(parse("to", "100000000000").range().toMs()).isEqualTo(100_000_000_000L);
  }

  @Test
  void from_after_to_is_refused() {
    assertBad("parameter 'from' (1717000000001) must not be after parameter 'to' (1717000000000)",
        "from", "1717000000001", "to", "1717000000000");
  }

  @Test
  void invalid_regular_expressions_are_refused_naming_the_parameter() {
    assertThatThrownBy(() -> parse("include", "(web")).isInstanceOf(BadRequestException.class)
        .hasMessageStartingWith("parameter 'include' is not a valid RE2 regular expression: ");
    assertThatThrownBy(() -> parse("exclude", "a(?=b)")).hasMessageStartingWith("parameter 'exclude' is not");
    assertThatThrownBy(() -> parse("namespace", "[")).hasMessageStartingWith("parameter 'namespace' is not");
  }

  @Test
  void unknown_group_by_is_refused_listing_the_choices() {
    assertBad("parameter 'group-by' must be one of ip, pod, workload, service, namespace, was 'deployment'",
        "group-by", "deployment");
  }

  @Test
  void over_long_values_are_refused() {
    assertBad("parameter 'include' is longer than 1000 characters", "include", "a".repeat(1001));
    assertThat(parse("include", "a".repeat(1000)).filter().include()).isNotNull();
  }

  @Test
  void stats_type_defaults_to_connection() {
    assertThat(params.statsType(Map.of("stats-type", "bytes")::get)).isEqualTo(StatsType.BYTES);
    assertThat(params.statsType(Map.of("stats-type", "nonsense")::get)).isEqualTo(StatsType.CONNECTION);
    assertThat(params.statsType(Map.<String, String>of()::get)).isEqualTo(StatsType.CONNECTION);
  }
}
