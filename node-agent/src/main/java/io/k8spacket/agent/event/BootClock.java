package io.k8spacket.agent.event;

import io.k8spacket.agent.bpf.LibC;

/**
 * Converts CLOCK_BOOTTIME nanoseconds (what {@code bpf_ktime_get_boot_ns} stamps) to wall-clock nanoseconds
 * since the epoch, with an offset {@code realtime - boottime} sampled from {@code clock_gettime}. The offset
 * moves when NTP steps the wall clock, so the reader calls {@link #refresh()} now and then.
 */
public final class BootClock {
  private final boolean live;
  private volatile long offsetNs;
  private final long[] timespec = new long[2];

  private BootClock(boolean live, long offsetNs) {
    this.live = live;
    this.offsetNs = offsetNs;
  }

  /** A clock following the host's clocks. */
  public static BootClock system() {
    BootClock clock = new BootClock(true, 0);
    clock.refresh();
    return clock;
  }

  /** A clock with a fixed offset, for tests. */
  public static BootClock fixed(long offsetNs) {
    return new BootClock(false, offsetNs);
  }

  /** Wall-clock epoch ns of a CLOCK_BOOTTIME instant. */
  public long toEpochNanos(long bootNs) {
    return bootNs + offsetNs;
  }

  /** Re-samples the offset (no-op for a fixed clock); the boot clock is read on both sides of the wall clock. */
  public synchronized void refresh() {
    if (!live) {
      return;
    }
    long bootBefore = read(LibC.CLOCK_BOOTTIME);
    long real = read(LibC.CLOCK_REALTIME);
    long bootAfter = read(LibC.CLOCK_BOOTTIME);
    offsetNs = real - (bootBefore + (bootAfter - bootBefore) / 2);
  }

  private long read(int clockId) {
    if (LibC.INSTANCE.clock_gettime(clockId, timespec) != 0) {
      throw new IllegalStateException("clock_gettime(" + clockId + ") failed");
    }
    return timespec[0] * 1_000_000_000L + timespec[1];
  }
}
