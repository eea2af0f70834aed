package io.k8spacket.query.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
  private static final long T = Instant.parse("2026-05-12T10:15:02Z").toEpochMilli();

  @Test
  void whole_seconds_have_no_fraction() {
    assertThat(Rfc3339.format(T)).isEqualTo("2026-05-12T10:15:02Z");
    assertThat(Rfc3339.format(0)).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void fractions_drop_trailing_zeros_like_go_rfc3339nano() {
    assertThat(Rfc3339.format(T + 123)).isEqualTo("2026-05-12T10:15:02.123Z");
    assertThat(Rfc3339.format(T + 120)).isEqualTo("2026-05-12T10:15:02.12Z");
    assertThat(Rfc3339.format(T + 100)).isEqualTo("2026-05-12T10:15:02.1Z");
    assertThat(Rfc3339.format(T + 5)).isEqualTo("2026-05-12T10:15:02.005Z");
  }
}
