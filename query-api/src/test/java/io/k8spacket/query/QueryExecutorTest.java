package io.k8spacket.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueryExecutorTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private QueryExecutor executor;

  @AfterEach
  void close() {
    release.countDown();
    if (executor != null) {
      executor.close();
    }
  }

  /** A store call that hangs, ignoring interrupts, until the test releases it. */
  private String hung() {
    boolean interrupted = false;
    while (true) {
      try {
        release.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return "late";
  }

  @Test
  void answers_and_rethrows_what_the_query_threw() {
    executor = new QueryExecutor(2, Duration.ofSeconds(30));

    assertThat(executor.call(() -> "answer")).isEqualTo("answer");
    StoreUnavailableException unavailable = new StoreUnavailableException("rebalancing", null);
    assertThatThrownBy(() -> executor.call(() -> {
      throw unavailable;
    })).isSameAs(unavailable);
  }

  @Test
  void a_query_past_its_deadline_times_out_and_is_interrupted() throws Exception {
    executor = new QueryExecutor(2, Duration.ofMillis(200));
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

    assertThatThrownBy(() -> executor.call(() -> {
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.complete(true);
      }
      return "never";
    })).isInstanceOf(QueryTimeoutException.class).hasMessage("the query took longer than 200 ms");
    assertThat(interrupted.get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void hung_queries_never_take_more_threads_than_the_bound() {
    executor = new QueryExecutor(2, Duration.ofMillis(100));
    List<Throwable> failures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try {
        executor.call(this::hung);
      } catch (QueryTimeoutException e) {
        failures.add(e);
      }
    }

    assertThat(failures).hasSize(10).extracting(Throwable::getMessage)
        .containsOnly("the query took longer than 100 ms");
    assertThat(executor.busyThreads()).isEqualTo(2);
    assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(executor.threadPrefix()) && t.isAlive())).hasSizeLessThanOrEqualTo(2);

    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> executor.busyThreads() == 0);
    assertThat(executor.call(() -> "again")).isEqualTo("again");
  }

  @Test
  void with_every_thread_and_queue_place_taken_a_query_is_refused_at_once() {
    executor = new QueryExecutor(2, Duration.ofSeconds(60));
    ExecutorService callers = Executors.newFixedThreadPool(4);
    List<Future<String>> waiting = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiting.add(callers.submit(() -> executor.call(this::hung)));
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> executor.busyThreads() == 2 && executor.queuedQueries() == 2);

    assertThatThrownBy(() -> executor.call(() -> "fifth")).isInstanceOf(QueryTimeoutException.class)
        .hasMessage("every query thread is busy");

    release.countDown();
    assertThat(waiting).allSatisfy(f -> assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("late"));
    callers.shutdown();
  }

  @Test
  void closing_ends_the_threads() {
    executor = new QueryExecutor(3, Duration.ofSeconds(30));
    executor.call(() -> "warm");

    executor.close();

    await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith(executor.threadPrefix())));
    assertThatThrownBy(() -> executor.call(() -> "after")).isInstanceOf(QueryTimeoutException.class);
  }
}
