package io.k8spacket.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a stream thread dies: replace it, unless it already had to be replaced {@code maxReplacements}
 * times within {@code window} (a deterministic failure, which replacing would only repeat), then shut down.
 */
final class ThreadFailurePolicy {
  private final int maxReplacements;
  private final long windowMs;
  private final Deque<Long> replacements = new ArrayDeque<>();

  ThreadFailurePolicy(int maxReplacements, Duration window) {
    this.maxReplacements = maxReplacements;
    this.windowMs = window.toMillis();
  }

  /** The response to a failure at {@code nowMs}. */
  synchronized StreamThreadExceptionResponse onFailure(long nowMs) {
    while (!replacements.isEmpty() && replacements.peekFirst() <= nowMs - windowMs) {
      replacements.pollFirst();
    }
    if (replacements.size() >= maxReplacements) {
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    replacements.addLast(nowMs);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }
}
