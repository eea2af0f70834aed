package io.k8spacket.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.streams.query.WindowPlan.Starts;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowPlanTest {
  private static final long MIN = 60_000;
  private static final long HOUR = 60 * MIN;
  private static final long DAY0 = Instant.parse("2026-11-29T00:00:00Z").toEpochMilli();

  @Test
  void a_range_with_whole_hours_reads_them_from_the_rollup_and_the_ends_from_fine_windows() {
    WindowPlan plan = WindowPlan.of(at(9, 30), at(12, 10), MIN, HOUR, DAY0);

    assertThat(plan.rollup()).containsExactly(new Starts(at(10, 0), at(12, 0)));
    assertThat(plan.fine()).containsExactly(new Starts(at(9, 30) - MIN + 1, at(10, 0)), new Starts(at(12, 0),
        at(12, 10)));
  }

  @Test
  void a_range_without_a_whole_hour_reads_fine_windows_only() {
    WindowPlan plan = WindowPlan.of(at(9, 30), at(10, 30), MIN, HOUR, DAY0);

    assertThat(plan.rollup()).isEmpty();
    assertThat(plan.fine()).containsExactly(new Starts(at(9, 30) - MIN + 1, at(10, 30)));
  }

  @Test
  void aligned_ranges_need_no_fine_windows() {
    WindowPlan plan = WindowPlan.of(at(0, 0), at(24, 0), MIN, HOUR, DAY0);

    assertThat(plan.rollup()).containsExactly(new Starts(at(0, 0), at(24, 0)));
    assertThat(plan.fine()).isEmpty();
  }

  @Test
  void without_rollups_every_overlapping_fine_window_is_read() {
    WindowPlan plan = WindowPlan.of(at(9, 30) + 1, at(12, 10), MIN, 0, DAY0);

    assertThat(plan.rollup()).isEmpty();
    assertThat(plan.fine()).containsExactly(new Starts(at(9, 30) + 1 - MIN + 1, at(12, 10)));
  }

  @Test
  void a_start_older_than_the_fine_retention_is_read_from_rollups_rounded_out_to_whole_hours() {
    long fineOldest = at(8, 20);

    WindowPlan plan = WindowPlan.of(at(6, 45), at(12, 10), MIN, HOUR, fineOldest);

    assertThat(plan.rollup()).containsExactly(new Starts(at(6, 0), at(12, 0)));
    assertThat(plan.fine()).containsExactly(new Starts(at(12, 0), at(12, 10)));
    assertThat(WindowPlan.of(at(6, 45), at(7, 10), MIN, HOUR, fineOldest).rollup())
        .containsExactly(new Starts(at(6, 0), at(7, 10)));
  }

  @Test
  void empty_ranges_read_nothing_and_bad_sizes_are_refused() {
    assertThat(WindowPlan.of(at(10, 0), at(10, 0), MIN, HOUR, DAY0)).isEqualTo(new WindowPlan(
        java.util.List.of(), java.util.List.of()));
    assertThatThrownBy(() -> WindowPlan.of(0, 1, MIN, 90_000, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static long at(int hour, int minute) {
    return DAY0 + hour * HOUR + minute * MIN;
  }
}
