package io.k8spacket.standalone.demo;

import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated pod: a network namespace {@code k8spdemo-ID} whose {@code eth0} pairs with {@code k8spdemo-ID} in
 * the machine's namespace (like a CNI's host-side veth), and the threads that run inside it: a small scheduler
 * for the traffic loops and a pool for connections. Sockets opened on these threads belong to the pod.
 *
 * @param id short name, at most 6 characters (link names are limited to 15)
 */
public final class DemoPod {
  private final String id;
  private final InetAddress ipv4;
  private final InetAddress ipv6;
  private final ScheduledExecutorService loops;
  private final ExecutorService workers;

  DemoPod(String id, InetAddress ipv4, InetAddress ipv6) {
    this.id = id;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    NetnsThreads threads = new NetnsThreads(namespace());
    this.loops = Executors.newScheduledThreadPool(2, threads);
    this.workers = Executors.newCachedThreadPool(threads);
  }

  public String id() {
    return id;
  }

  /** The network namespace's name ({@code ip netns} name). */
  public String namespace() {
    return DemoNetwork.PREFIX + "-" + id;
  }

  /** The root-namespace end of this pod's veth. */
  public String rootLink() {
    return DemoNetwork.PREFIX + "-" + id;
  }

  public InetAddress ipv4() {
    return ipv4;
  }

  /** The pod's IPv6 address, or null when it has none. */
  public InetAddress ipv6() {
    return ipv6;
  }

  /** Runs {@code task} inside the pod and waits for it; its exception is rethrown as is. */
  public <T> T call(Callable<T> task) throws Exception {
    try {
      return workers.submit(task).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Starts {@code task} inside the pod. */
  <T> Future<T> submit(Callable<T> task) {
    return workers.submit(task);
  }

  /** Runs {@code task} inside the pod every {@code periodMs} (after {@code delayMs}); a failed round is logged. */
  ScheduledFuture<?> every(long delayMs, long periodMs, String what, DemoTraffic.Round task) {
    return loops.scheduleWithFixedDelay(() -> DemoTraffic.runRound(id, what, task), delayMs, periodMs,
        TimeUnit.MILLISECONDS);
  }

  /** Stops the pod's threads (the namespace is removed by {@link DemoNetwork#close()}). */
  void stop() {
    loops.shutdownNow();
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return namespace() + "(" + ipv4.getHostAddress() + (ipv6 == null ? "" : ", " + ipv6.getHostAddress()) + ")";
  }
}
