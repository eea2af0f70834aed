package io.k8spacket.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.junit.jupiter.api.Test;

class WindowSegmentsTest {
  @Test
  void a_store_kept_a_day_has_one_hour_segments_and_the_retention_and_window_asked_for() {
    WindowBytesStoreSupplier supplier = WindowSegments.store("edge-stats", Duration.ofHours(24),
        Duration.ofMinutes(1));

    assertThat(supplier.name()).isEqualTo("edge-stats");
    assertThat(supplier.segmentIntervalMs()).isEqualTo(Duration.ofHours(1).toMillis());
    assertThat(supplier.retentionPeriod()).isEqualTo(Duration.ofHours(24).toMillis());
    assertThat(supplier.windowSize()).isEqualTo(60_000L);
    assertThat(supplier.retainDuplicates()).isFalse();
    assertThat(supplier.get().persistent()).isTrue();
  }

  @Test
  void a_segment_is_never_shorter_than_a_window_or_a_minute() {
    assertThat(WindowSegments.segmentInterval(Duration.ofDays(7), Duration.ofHours(1)))
        .isEqualTo(Duration.ofHours(7).toMillis());
    assertThat(WindowSegments.segmentInterval(Duration.ofHours(2), Duration.ofHours(1)))
        .isEqualTo(Duration.ofHours(1).toMillis());
    assertThat(WindowSegments.segmentInterval(Duration.ofMinutes(10), Duration.ofSeconds(10))).isEqualTo(60_000L);
  }
}
