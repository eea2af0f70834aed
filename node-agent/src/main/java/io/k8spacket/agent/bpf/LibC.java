package io.k8spacket.agent.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The few libc calls the agent needs that the JDK does not offer: mmap of a BPF map, clocks, va_list format. */
public interface LibC extends Library {
  /** The process's libc. */
  LibC INSTANCE = Native.load("c", LibC.class);

  int PROT_READ = 1;
  int PROT_WRITE = 2;
  int MAP_SHARED = 1;
  /** {@code (void *) -1}. */
  long MAP_FAILED = -1L;

  int CLOCK_REALTIME = 0;
  int CLOCK_BOOTTIME = 7;

  Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

  int munmap(Pointer addr, long length);

  /** {@code ts} is a {@code struct timespec}: {@code ts[0]} seconds, {@code ts[1]} nanoseconds. */
  int clock_gettime(int clockId, long[] ts);

  /** Formats a libbpf log message; the {@code va_list} can be consumed once only. */
  int vsnprintf(byte[] buf, long size, Pointer format, Pointer vaList);

  int getpagesize();

  /** Closes a file descriptor (a TCX link detaches when its last fd closes). */
  int close(int fd);

  String strerror(int errnum);
}
