package io.k8spacket.streams;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {
  @Test
  void a_thread_is_replaced_three_times_within_ten_minutes_then_the_client_shuts_down() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(3, Duration.ofMinutes(10));

    assertThat(policy.onFailure(0)).isEqualTo(REPLACE_THREAD);
    assertThat(policy.onFailure(1_000)).isEqualTo(REPLACE_THREAD);
    assertThat(policy.onFailure(2_000)).isEqualTo(REPLACE_THREAD);
    assertThat(policy.onFailure(3_000)).isEqualTo(SHUTDOWN_CLIENT);
  }

  @Test
  void failures_older_than_the_window_are_forgotten() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(3, Duration.ofMinutes(10));
    policy.onFailure(0);
    policy.onFailure(1_000);
    policy.onFailure(2_000);

    assertThat(policy.onFailure(600_000)).isEqualTo(REPLACE_THREAD);
    assertThat(policy.onFailure(600_001)).isEqualTo(SHUTDOWN_CLIENT);
  }
}
