package io.k8spacket.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void median_and_nearest_rank_percentiles() {
    Stats s = Stats.of(5, 1, 4, 2, 3);
    assertThat(s.median()).isEqualTo(3);
    assertThat(s.percentile(99)).isEqualTo(5);
    assertThat(s.percentile(20)).isEqualTo(1);
    assertThat(Stats.of(1, 2, 3, 4).median()).isEqualTo(2.5);
  }
}
