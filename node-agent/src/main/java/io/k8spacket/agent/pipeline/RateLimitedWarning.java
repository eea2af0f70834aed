package io.k8spacket.agent.pipeline;

import java.time.Duration;
import org.slf4j.Logger;

/** One WARN line a minute at most for a recurring problem that is also counted in a metric. */
final class RateLimitedWarning {
  private static final long EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  private final Logger log;
  private long last = System.nanoTime() - EVERY_NANOS;

  RateLimitedWarning(Logger log) {
    this.log = log;
  }

  void warn(String format, Object argument) {
    long now = System.nanoTime();
    if (now - last >= EVERY_NANOS) {
      last = now;
      log.warn(format, argument);
    }
  }
}
