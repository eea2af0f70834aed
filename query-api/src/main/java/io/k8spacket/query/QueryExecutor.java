package io.k8spacket.query;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs store queries with a deadline on a fixed number of threads, so that a slow or hung store gives the
 * caller a {@link QueryTimeoutException} (HTTP 503) instead of a hung connection, and never costs more than
 * {@code threads} threads. A query past its deadline is interrupted; one that ignores the interrupt keeps its
 * thread until it returns. Queries wait for a free thread in a queue of {@code threads} places, within their
 * own deadline; when the queue is full too (every thread hung) a new query is refused at once.
 *
 * <p>Example: {@code new QueryExecutor(32, Duration.ofSeconds(10)).call(() -> service.graph(query))} returns
 * the graph, rethrows what the query threw (a {@link StoreUnavailableException} stays one), or throws
 * {@code QueryTimeoutException} after 10 s.
 */
public final class QueryExecutor implements AutoCloseable {
  /** Prefix of every query thread's name: {@code k8spacket-query-<executor>-<thread>}. */
  public static final String THREAD_NAME = "k8spacket-query-";
  private static final AtomicInteger EXECUTORS = new AtomicInteger();

  private final ThreadPoolExecutor pool;
  private final Duration timeout;
  private final String threadPrefix = THREAD_NAME + EXECUTORS.incrementAndGet() + "-";

  public QueryExecutor(int threads, Duration timeout) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads),
        daemonThreads(threadPrefix), new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * The query's answer, computed on a pool thread within the deadline.
   *
   * @throws QueryTimeoutException past the deadline, or when every thread is busy
   * @throws RuntimeException whatever the query threw, unwrapped
   */
  public <T> T call(Supplier<T> query) {
    Future<T> future = submit(query);
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new QueryTimeoutException("the query took longer than " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new QueryTimeoutException("interrupted while waiting for the query");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Queues the query; when the queue is full, drops cancelled (timed-out) entries once and tries again. */
  private <T> Future<T> submit(Supplier<T> query) {
    try {
      return pool.submit(query::get);
    } catch (RejectedExecutionException first) {
      pool.purge();
      try {
        return pool.submit(query::get);
      } catch (RejectedExecutionException e) {
        throw new QueryTimeoutException("every query thread is busy");
      }
    }
  }

  /** Threads currently running a query (including ones past their deadline that ignore the interrupt). */
  public int busyThreads() {
    return pool.getActiveCount();
  }

  /** Queries waiting for a thread. */
  public int queuedQueries() {
    return pool.getQueue().size();
  }

  /** Interrupts running queries and lets the threads end; later calls are refused. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** The name prefix of this executor's threads. */
  public String threadPrefix() {
    return threadPrefix;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
