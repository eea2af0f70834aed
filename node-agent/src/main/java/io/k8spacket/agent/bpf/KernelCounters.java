package io.k8spacket.agent.bpf;

import com.sun.jna.Memory;

/**
 * A per-CPU counter array of a probe ({@code tcp_counters}: index = {@code enum k8sp_tcp_counter}, the
 * constants below; {@code tls_counters}: see {@link TlsProbe}), summed over all possible CPUs. Read at scrape
 * time; after {@link #close()} it keeps answering the last values read, because
 * the map's file descriptor number may by then belong to something else.
 */
public final class KernelCounters implements AutoCloseable {
  /** {@code K8SP_TCP_EVENTS}: events written to the ring buffer. */
  public static final int EVENTS = 0;
  /** {@code K8SP_TCP_RINGBUF_DROPS}: ring reservations that failed because the reader fell behind. */
  public static final int RINGBUF_DROPS = 1;
  /** {@code K8SP_TCP_UNTRACKED_CLOSE}: closes of sockets born before the probe was attached. */
  public static final int UNTRACKED_CLOSE = 2;
  /** {@code K8SP_TCP_SOCKETS_SEEN}: sockets given live-socket storage. */
  public static final int SOCKETS_SEEN = 3;
  /** {@code K8SP_TCP_REPORTS}: progress reports of open sockets written to the ring buffer. */
  public static final int REPORTS = 4;
  /** {@code K8SP_TCP_COUNTER_MAX}. */
  public static final int COUNT = 5;

  private final LibBpf lib;
  private final int fd;
  private final int cpus;
  private final Memory key = new Memory(4);
  private final Memory values;
  private final int count;
  private final long[] last;
  private boolean closed;

  KernelCounters(LibBpf lib, int fd) {
    this(lib, fd, COUNT);
  }

  KernelCounters(LibBpf lib, int fd, int count) {
    this.lib = lib;
    this.fd = fd;
    this.count = count;
    this.last = new long[count];
    this.cpus = lib.libbpf_num_possible_cpus();
    if (cpus <= 0) {
      throw new IllegalStateException("libbpf_num_possible_cpus failed: " + cpus);
    }
    this.values = new Memory(8L * cpus); // per-CPU u64 values, each already 8-byte aligned
  }

  /** Counter {@code index} summed over CPUs, read now (or the last value once closed or on a read error). */
  public synchronized long get(int index) {
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("counter index " + index + " not in [0, " + count + ")");
    }
    if (!closed) {
      key.setInt(0, index);
      if (lib.bpf_map_lookup_elem(fd, key, values) == 0) {
        long sum = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
          sum += values.getLong(8L * cpu);
        }
        last[index] = sum;
      }
    }
    return last[index];
  }

  /** Reads every counter one last time and stops using the map. */
  @Override
  public synchronized void close() {
    if (!closed) {
      for (int i = 0; i < count; i++) {
        get(i);
      }
      closed = true;
    }
  }
}
