package io.k8spacket.agent.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the agent needs that the JDK does not offer: mmap of a BPF map, clocks, va_list format, a
 * netlink socket.
 */
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

  int AF_NETLINK = 16;
  int SOCK_RAW = 3;
  int SOCK_CLOEXEC = 0x80000;
  int NETLINK_ROUTE = 0;
  int SOL_SOCKET = 1;
  /** {@code SO_RCVTIMEO} (64-bit {@code struct timeval}: seconds, microseconds). */
  int SO_RCVTIMEO = 20;

  /** Returns a file descriptor, or -1 with errno in {@link com.sun.jna.Native#getLastError()}. */
  int socket(int domain, int type, int protocol);

  /** {@code optval} of {@code optlen} bytes, e.g. a {@code struct timeval} as two longs (16 bytes). */
  int setsockopt(int fd, int level, int optname, long[] optval, int optlen);

  /** Returns the bytes sent, or -1. */
  long send(int fd, byte[] buf, long len, int flags);

  /** Returns the bytes received into {@code buf}, or -1. */
  long recv(int fd, byte[] buf, long len, int flags);

  /** Closes a file descriptor (a TCX link detaches when its last fd closes). */
  int close(int fd);

  String strerror(int errnum);
}
