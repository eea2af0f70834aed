package io.k8spacket.agent.bpf;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct bpf_tc_hook} of libbpf (24 bytes on x86-64: {@code size_t sz; int ifindex; enum
 * bpf_tc_attach_point attach_point; __u32 parent;} padded to 8). research/ebpf-jna.md §4.1.
 */
@FieldOrder({"sz", "ifindex", "attach_point", "parent"})
public final class TcHook extends Structure {
  /** Size of the structure in bytes on LP64. */
  public static final int SIZE = 24;

  public long sz;
  public int ifindex;
  public int attach_point;
  public int parent;

  /** The hook of {@code ifindex} at {@code attachPoint} ({@link LibBpf#BPF_TC_INGRESS} and/or EGRESS). */
  public TcHook(int ifindex, int attachPoint) {
    this.ifindex = ifindex;
    this.attach_point = attachPoint;
    this.sz = size();
    if (sz != SIZE) {
      throw new IllegalStateException("bpf_tc_hook is " + sz + " bytes, expected " + SIZE);
    }
  }
}
