package io.k8spacket.standalone.demo;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that live inside one network namespace: each calls {@code setns(2)} on {@code /var/run/netns/NAME}
 * before it runs anything (the network namespace is per thread on Linux), so the sockets it creates belong to
 * that namespace for their whole life. A thread that cannot enter refuses to run its work rather than run it in
 * the machine's own namespace.
 */
final class NetnsThreads implements ThreadFactory {
  /** The libc calls that move one thread into a network namespace (the JDK has none). */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;

    int open(String path, int flags);

    int close(int fd);

    int setns(int fd, int nstype);

    String strerror(int errnum);
  }

  private final String namespace;
  private final AtomicInteger count = new AtomicInteger();

  NetnsThreads(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public Thread newThread(Runnable work) {
    Thread thread = new Thread(() -> {
      enter(namespace);
      work.run();
    }, "demo-" + namespace + "-" + count.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  /** Moves the calling thread into {@code namespace}; throws (ending the thread) when it cannot. */
  static void enter(String namespace) {
    String path = "/var/run/netns/" + namespace;
    int fd = LibC.INSTANCE.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (fd < 0) {
      throw new IllegalStateException("open " + path + ": " + LibC.INSTANCE.strerror(Native.getLastError()));
    }
    try {
      if (LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET) != 0) {
        throw new IllegalStateException("setns " + path + ": " + LibC.INSTANCE.strerror(Native.getLastError()));
      }
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }
}
