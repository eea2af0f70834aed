package io.k8spacket.agent.bpf;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct bpf_object_open_opts} as in libbpf 1.1 (80 bytes on x86-64). Only {@code object_name} is set,
 * so the object and its internal maps get a stable name instead of the buffer's address. Newer libbpf versions
 * append fields; {@code sz} tells them this shorter layout.
 */
@FieldOrder({"sz", "object_name", "relaxed_maps", "pin_root_path", "attach_prog_fd_stub", "kconfig",
    "btf_custom_path", "kernel_log_buf", "kernel_log_size", "kernel_log_level"})
public final class BpfObjectOpenOpts extends Structure {
  /** Size of the structure in bytes for libbpf 1.1 on LP64. */
  public static final int SIZE = 80;

  public long sz;
  public String object_name;
  public byte relaxed_maps;
  public Pointer pin_root_path;
  public int attach_prog_fd_stub;
  public Pointer kconfig;
  public Pointer btf_custom_path;
  public Pointer kernel_log_buf;
  public long kernel_log_size;
  public int kernel_log_level;

  /** Options naming the object {@code name}. */
  public BpfObjectOpenOpts(String name) {
    this.object_name = name;
    this.sz = size();
    if (sz != SIZE) {
      throw new IllegalStateException("bpf_object_open_opts is " + sz + " bytes, expected " + SIZE);
    }
  }
}
