package io.k8spacket.testsupport.net;

import com.sun.jna.Native;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test host: a network namespace with an IPv4 and an IPv6 address, and threads that live inside it. The
 * network namespace is per thread on Linux, so each of this host's threads calls
 * {@code setns(open("/var/run/netns/NAME"), CLONE_NEWNET)} once when it starts; sockets it creates belong to
 * the namespace for their whole life, whichever thread uses them later. No new processes are involved.
 *
 * <p>Caveat: anything the JDK reads from {@code /proc/net} (for example the IPv6 addresses listed by
 * {@code NetworkInterface}) shows the process's namespace, not the thread's; sockets are not affected.
 *
 * <pre>{@code
 * SocketChannel channel = host.call(() -> SocketChannel.open(StandardProtocolFamily.INET));
 * }</pre>
 */
public final class TestHost implements AutoCloseable {
  private final String namespace;
  private final InetAddress ipv4;
  private final InetAddress ipv6;
  private final ExecutorService threads;

  TestHost(String namespace, InetAddress ipv4, InetAddress ipv6) {
    this.namespace = namespace;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.threads = Executors.newCachedThreadPool(new NamespaceThreads(namespace));
  }

  /** Name of the network namespace ({@code ip netns} name, also valid for {@code ip -n}). */
  public String namespace() {
    return namespace;
  }

  /** The host's IPv4 address, 10.231.N.i. */
  public InetAddress ipv4() {
    return ipv4;
  }

  /** The host's IPv6 address, fd00:231:N::i. */
  public InetAddress ipv6() {
    return ipv6;
  }

  /** Runs {@code task} on one of this host's threads and waits for it; its exception is rethrown as is. */
  public <T> T call(Callable<T> task) throws Exception {
    try {
      return submit(task).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Starts {@code task} on one of this host's threads. */
  public <T> Future<T> submit(Callable<T> task) {
    return threads.submit(() -> {
      RuntimeException failed = NamespaceThreads.FAILURE.get();
      if (failed != null) {
        throw failed; // never run a task in the wrong namespace
      }
      return task.call();
    });
  }

  /**
   * A process builder for {@code command} run inside this host's network namespace (through
   * {@code nsenter --net=/var/run/netns/NAME}, which execs, so the process's pid is the command's own).
   */
  public ProcessBuilder command(String... command) {
    List<String> full = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + namespace));
    full.addAll(List.of(command));
    return new ProcessBuilder(full);
  }

  /** Stops this host's threads (the namespace itself is removed by {@link TestNetwork#close()}). */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  @Override
  public String toString() {
    return namespace + "(" + ipv4.getHostAddress() + ", " + ipv6.getHostAddress() + ")";
  }

  /** Threads that join the namespace before running anything. */
  private static final class NamespaceThreads implements ThreadFactory {
    /** Why this thread could not enter its namespace, or null. */
    static final ThreadLocal<RuntimeException> FAILURE = new ThreadLocal<>();
    private final String namespace;
    private final AtomicInteger count = new AtomicInteger();

    NamespaceThreads(String namespace) {
      this.namespace = namespace;
    }

    @Override
    public Thread newThread(Runnable work) {
      Thread thread = new Thread(() -> {
        try {
          enter(namespace);
        } catch (RuntimeException e) {
          FAILURE.set(e);
        }
        work.run();
      }, namespace + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }

    private static void enter(String namespace) {
      String path = "/var/run/netns/" + namespace;
      int fd = NetnsLibC.INSTANCE.open(path, NetnsLibC.O_RDONLY | NetnsLibC.O_CLOEXEC);
      if (fd < 0) {
        throw new IllegalStateException("open " + path + ": " + NetnsLibC.INSTANCE.strerror(Native.getLastError()));
      }
      try {
        if (NetnsLibC.INSTANCE.setns(fd, NetnsLibC.CLONE_NEWNET) != 0) {
          throw new IllegalStateException("setns " + path + ": " + NetnsLibC.INSTANCE.strerror(Native.getLastError()));
        }
      } finally {
        NetnsLibC.INSTANCE.close(fd);
      }
    }
  }
}
