package io.k8spacket.agent.bpf;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * The libbpf calls the agent needs, mapped for JNA (research/ebpf-jna.md §2.1). libbpf only opens, loads and
 * attaches; Java reads the ring buffer itself.
 *
 * <p>Error convention (libbpf 1.x strict mode): int results are negative errno values; pointer results are
 * NULL with errno set, read through {@code Native.getLastError()} right after the call on the same thread.
 * No method declares {@code LastErrorException}: libbpf leaves errno set on successful calls.
 */
public interface LibBpf extends Library {
  /** {@code enum libbpf_print_level}. */
  int LIBBPF_WARN = 0;
  int LIBBPF_INFO = 1;
  int LIBBPF_DEBUG = 2;
  /** {@code BTF_KIND_STRUCT}, {@code BTF_KIND_TYPEDEF} and {@code BTF_KIND_DATASEC} from linux/btf.h. */
  int BTF_KIND_STRUCT = 4;
  int BTF_KIND_TYPEDEF = 8;
  int BTF_KIND_DATASEC = 15;
  /** {@code enum bpf_tc_attach_point} (libbpf.h). */
  int BPF_TC_INGRESS = 1;
  int BPF_TC_EGRESS = 2;
  /** {@code enum bpf_tc_flags}: replace an existing filter with the same handle and priority. */
  int BPF_TC_F_REPLACE = 1;
  /** {@code enum bpf_attach_type} values of TCX (kernel 6.6+; libbpf 1.1 predates them, the kernel knows them). */
  int BPF_TCX_INGRESS = 46;
  int BPF_TCX_EGRESS = 47;

  /** {@code libbpf_print_fn_t}: the {@code va_list} arrives as a pointer on x86-64 SysV. */
  interface PrintFn extends Callback {
    int invoke(int level, Pointer format, Pointer vaList);
  }

  int libbpf_major_version();

  int libbpf_minor_version();

  Pointer libbpf_set_print(PrintFn fn);

  int libbpf_strerror(int err, byte[] buf, long size);

  int libbpf_num_possible_cpus();

  Pointer bpf_object__open_mem(byte[] buf, long size, BpfObjectOpenOpts opts);

  int bpf_object__load(Pointer obj);

  void bpf_object__close(Pointer obj);

  Pointer bpf_object__btf(Pointer obj);

  Pointer bpf_object__find_program_by_name(Pointer obj, String name);

  Pointer bpf_object__find_map_by_name(Pointer obj, String name);

  Pointer bpf_program__attach(Pointer prog);

  int bpf_link__destroy(Pointer link);

  int bpf_program__fd(Pointer prog);

  /** Creates a BPF link; for TCX {@code targetFd} is the ifindex and {@code opts} may be NULL. Returns an fd. */
  int bpf_link_create(int progFd, int targetFd, int attachType, Pointer opts);

  /** Creates the clsact qdisc of {@code hook.ifindex}; -EEXIST when one exists (someone's, maybe ours). */
  int bpf_tc_hook_create(TcHook hook);

  /** Deletes the whole clsact qdisc with every filter on it (with attach point INGRESS|EGRESS). */
  int bpf_tc_hook_destroy(TcHook hook);

  int bpf_tc_attach(TcHook hook, TcOpts opts);

  /** {@code opts} must hold only handle and priority. */
  int bpf_tc_detach(TcHook hook, TcOpts opts);

  /** {@code opts} must hold only handle and priority; fills prog_id; -ENOENT when there is no such filter. */
  int bpf_tc_query(TcHook hook, TcOpts opts);

  int bpf_prog_get_fd_by_id(int id);

  /** {@code info} is a zeroed {@code struct bpf_prog_info} prefix of {@code *infoLen} bytes. */
  int bpf_obj_get_info_by_fd(int fd, Pointer info, IntByReference infoLen);

  int bpf_map__fd(Pointer map);

  int bpf_map__max_entries(Pointer map);

  int bpf_map__set_max_entries(Pointer map, int maxEntries);

  /** {@code psize} must not be NULL: libbpf 1.1 dereferences it unconditionally. */
  Pointer bpf_map__initial_value(Pointer map, LongByReference psize);

  int bpf_map__set_initial_value(Pointer map, byte[] data, long size);

  int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

  int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

  /** Whether {@code bpf_object__load} loads {@code prog}; call before load. */
  int bpf_program__set_autoload(Pointer prog, boolean autoload);

  /** Parses the BTF of an ELF object or raw BTF file; {@code btfExt} may be NULL. */
  Pointer btf__parse(String path, Pointer btfExt);

  void btf__free(Pointer btf);

  int btf__find_by_name_kind(Pointer btf, String name, int kind);

  /** Returns a {@code const struct btf_type *}, see {@link Btf}. */
  Pointer btf__type_by_id(Pointer btf, int id);

  String btf__name_by_offset(Pointer btf, int offset);

  long btf__resolve_size(Pointer btf, int typeId);
}
