package io.k8spacket.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final Report.Run RUN = new Report.Run("2026-11-29T03:00:00Z", "AMD EPYC, 2 cores", false, 1200);

  private static Figure ratio(double measured, double baseline) {
    return new Figure("agent_vs_c_ratio", measured / baseline, "ratio", ">=", 0.9, measured, baseline,
        "9.0 M events/s", "10.0 M events/s", "reader | alone", Figure.JSON.createObjectNode());
  }

  @Test
  void a_row_carries_value_goal_baseline_and_ratio() {
    String md = Report.markdown(RUN, List.of(ratio(9e6, 1e7)), List.of());
    assertThat(md).contains("- date: 2026-11-29T03:00:00Z", "- machine: AMD EPYC, 2 cores", "full, 1200 s");
    assertThat(md).contains("| `agent_vs_c_ratio` | 0.90 ratio | >= 0.90 | yes | 9.0 M events/s | 10.0 M events/s"
        + " | 0.90 | reader \\| alone |");
  }

  @Test
  void a_missed_goal_is_bold_and_a_missing_figure_says_so() {
    Figure missed = new Figure("probe_overhead_pct", 4.5, "%", "<=", 3.0, 900.0, 1000.0, "a", "b", null, null);
    Figure missing = Figure.missing("nodegraph_p99_ms_24h", "ms", "<=", 300.0, "full run only");
    String md = Report.markdown(RUN, List.of(missed, missing), List.of("nodegraph: exited non-zero"));
    assertThat(md).contains("| `probe_overhead_pct` | 4.50 % | <= 3.00 | **no** |");
    assertThat(md).contains("| `nodegraph_p99_ms_24h` | not measured | <= 300 |  |  |  |  | full run only |");
    assertThat(md).contains("- nodegraph: exited non-zero");
  }

  @Test
  void the_json_line_has_every_figure_by_name_and_which_goals_were_met() {
    Figure missing = Figure.missing("freshness_p99_ms", "ms", "<=", 2000.0, "failed");
    JsonNode json = Report.json(RUN, List.of(ratio(9.5e6, 1e7), missing), List.of());
    assertThat(json.path("agent_vs_c_ratio").asDouble()).isEqualTo(0.95);
    assertThat(json.has("freshness_p99_ms")).isTrue();
    assertThat(json.path("freshness_p99_ms").isNull()).isTrue();
    assertThat(json.path("goals_met").path("agent_vs_c_ratio").asBoolean()).isTrue();
    assertThat(json.path("goals_met").has("freshness_p99_ms")).isFalse();
  }

  @Test
  void figures_survive_their_json_round_trip() {
    Figure f = ratio(9e6, 1e7);
    Figure back = Figure.fromJson(f.toJson());
    assertThat(back.value()).isEqualTo(f.value());
    assertThat(back.ratio()).isEqualTo(f.ratio());
    assertThat(back.met()).isTrue();
    assertThat(back.note()).isEqualTo("reader | alone");
  }

  @Test
  void the_hand_written_before_and_after_section_survives_a_new_run() {
    String previous = "# Benchmark results\n\n| figure |\n|---|\n\n## Before and after\n\n- nodegraph: 8.3 s -> 2.3 s\n";

    assertThat(Report.keptSection(previous)).isEqualTo("\n## Before and after\n\n- nodegraph: 8.3 s -> 2.3 s\n");
    assertThat(Report.keptSection("# Benchmark results\n\n| figure |\n")).isEmpty();
  }
}
