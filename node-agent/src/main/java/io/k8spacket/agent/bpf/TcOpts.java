package io.k8spacket.agent.bpf;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct bpf_tc_opts} of libbpf (32 bytes on x86-64: {@code size_t sz; int prog_fd; __u32 flags, prog_id,
 * handle, priority;} padded to 8). JNA writes it before the call and reads it back after, so {@code prog_id}
 * is filled in by attach and query. research/ebpf-jna.md §4.1.
 */
@FieldOrder({"sz", "prog_fd", "flags", "prog_id", "handle", "priority"})
public final class TcOpts extends Structure {
  /** Size of the structure in bytes on LP64. */
  public static final int SIZE = 32;

  public long sz;
  public int prog_fd;
  public int flags;
  public int prog_id;
  public int handle;
  public int priority;

  /** Options naming the filter {@code handle}/{@code priority}; set prog_fd and flags for attach only. */
  public TcOpts(int handle, int priority) {
    this.handle = handle;
    this.priority = priority;
    this.sz = size();
    if (sz != SIZE) {
      throw new IllegalStateException("bpf_tc_opts is " + sz + " bytes, expected " + SIZE);
    }
  }
}
