package io.k8spacket.agent.bpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import io.k8spacket.agent.AgentStartupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP lifecycle probe ({@code bpf/tcp.bpf.o}) in the kernel, loaded in libbpf's order: open, set knobs,
 * load, attach; {@link #close()} detaches and frees everything. Each failing stage logs and throws one line
 * naming the kernel feature or privilege that is missing. The ring buffer is read elsewhere
 * ({@link RingBufferReader}); this class only hands out its file descriptor and size.
 */
public final class TcpProbe implements AutoCloseable {
  /** Classpath resource of the compiled program. */
  public static final String OBJECT_RESOURCE = "bpf/tcp.bpf.o";
  static final String OBJECT_NAME = "k8sp_tcp";
  static final String PROGRAM = "k8sp_tcp_state";
  static final String SOCKETS_MAP = "live_sockets";
  static final String RING_MAP = "tcp_events";
  static final String COUNTERS_MAP = "tcp_counters";
  static final String IGNORE_LOOPBACK = "ignore_loopback";
  private static final int EPERM = 1;
  private static final Logger LOG = LoggerFactory.getLogger(TcpProbe.class);

  /** Knobs set before load. {@code ringBytes} must be a power of two and a multiple of the page size. */
  public record Options(int maxSockets, int ringBytes, boolean ignoreLoopback) {
    public Options {
      if (maxSockets <= 0) {
        throw new IllegalArgumentException("maxSockets must be > 0, got " + maxSockets);
      }
      if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
        throw new IllegalArgumentException("ringBytes must be a power of two >= 4096, got " + ringBytes);
      }
    }
  }

  private final LibBpf lib;
  private Pointer object;
  private Pointer link;
  private final int ringFd;
  private final int ringBytes;
  private final KernelCounters counters;

  private TcpProbe(LibBpf lib, Pointer object, Pointer link, int ringFd, int ringBytes, KernelCounters counters) {
    this.lib = lib;
    this.object = object;
    this.link = link;
    this.ringFd = ringFd;
    this.ringBytes = ringBytes;
    this.counters = counters;
  }

  /**
   * Checks the host, then opens, configures, loads and attaches the probe.
   *
   * @throws AgentStartupException naming the stage and the missing feature when any stage fails
   */
  public static TcpProbe attach(Options options) {
    Preflight.check(HostFacts.current());
    LibBpf lib = BundledLibBpf.get();
    LOG.info("libbpf {}.{} loaded (bundled)", lib.libbpf_major_version(), lib.libbpf_minor_version());
    byte[] elf = readObject();
    Pointer object = lib.bpf_object__open_mem(elf, elf.length, new BpfObjectOpenOpts(OBJECT_NAME));
    if (object == null) {
      throw failed("open " + OBJECT_RESOURCE, "not a valid BPF object: " + errno());
    }
    Pointer link = null;
    try {
      setKnobs(lib, object, options);
      int err = lib.bpf_object__load(object);
      if (err < 0) {
        throw failed("load", err == -EPERM
            ? "not root / missing CAP_BPF+CAP_PERFMON (" + BundledLibBpf.strerror(err) + ")"
            : "the kernel rejected the program or its maps, see the libbpf lines above (CO-RE needs kernel BTF,"
                + " the ring buffer needs 5.8): " + BundledLibBpf.strerror(err));
      }
      Pointer program = lib.bpf_object__find_program_by_name(object, PROGRAM);
      if (program == null) {
        throw failed("find program", PROGRAM + " missing from " + OBJECT_RESOURCE);
      }
      link = lib.bpf_program__attach(program);
      if (link == null) {
        throw failed("attach", "tp_btf/inet_sock_set_state could not be attached (BTF-typed tracepoints need"
            + " kernel 5.5+ with CONFIG_DEBUG_INFO_BTF): " + errno());
      }
      Pointer ring = lib.bpf_object__find_map_by_name(object, RING_MAP);
      int ringBytes = lib.bpf_map__max_entries(ring);
      KernelCounters counters =
          new KernelCounters(lib, lib.bpf_map__fd(lib.bpf_object__find_map_by_name(object, COUNTERS_MAP)));
      LOG.info("program {} attached to tp_btf/inet_sock_set_state (ring {} KiB, {} live sockets max,"
          + " loopback {})", PROGRAM, ringBytes / 1024, options.maxSockets(),
          options.ignoreLoopback() ? "ignored" : "included");
      return new TcpProbe(lib, object, link, lib.bpf_map__fd(ring), ringBytes, counters);
    } catch (RuntimeException e) {
      if (link != null) {
        lib.bpf_link__destroy(link);
      }
      lib.bpf_object__close(object);
      throw e;
    }
  }

  /** Sets map sizes and the {@code .rodata} knobs; libbpf allows this only between open and load. */
  private static void setKnobs(LibBpf lib, Pointer object, Options options) {
    Pointer sockets = requireMap(lib, object, SOCKETS_MAP);
    check(lib.bpf_map__set_max_entries(sockets, options.maxSockets()), "set " + SOCKETS_MAP + " max_entries");
    Pointer ring = requireMap(lib, object, RING_MAP);
    check(lib.bpf_map__set_max_entries(ring, options.ringBytes()), "set " + RING_MAP + " size");

    Pointer rodata = requireMap(lib, object, ".rodata");
    Btf.Variable knob = new Btf(lib, lib.bpf_object__btf(object)).variable(".rodata", IGNORE_LOOPBACK)
        .orElseThrow(() -> failed("set knobs", IGNORE_LOOPBACK + " missing from .rodata"));
    LongByReference size = new LongByReference();
    Pointer image = lib.bpf_map__initial_value(rodata, size);
    if (image == null || knob.offset() + knob.size() > size.getValue()) {
      throw failed("set knobs", ".rodata image of " + size.getValue() + " bytes has no " + IGNORE_LOOPBACK);
    }
    byte[] bytes = image.getByteArray(0, (int) size.getValue());
    bytes[knob.offset()] = (byte) (options.ignoreLoopback() ? 1 : 0);
    check(lib.bpf_map__set_initial_value(rodata, bytes, bytes.length), "set .rodata");
  }

  private static Pointer requireMap(LibBpf lib, Pointer object, String name) {
    Pointer map = lib.bpf_object__find_map_by_name(object, name);
    if (map == null) {
      throw failed("set knobs", "map " + name + " missing from " + OBJECT_RESOURCE);
    }
    return map;
  }

  private static void check(int err, String what) {
    if (err < 0) {
      throw failed(what, BundledLibBpf.strerror(err));
    }
  }

  /** The text of the errno a pointer-returning libbpf call left on this thread (shared with {@link TlsProbe}). */
  static String errno() {
    int errno = Native.getLastError();
    return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
  }

  private static AgentStartupException failed(String stage, String why) {
    String message = "TCP probe: " + stage + " failed: " + why;
    LOG.error(message);
    return new AgentStartupException(message);
  }

  private static byte[] readObject() {
    return readResource(OBJECT_RESOURCE);
  }

  /** The bytes of a compiled BPF object in the agent jar (shared with {@link TlsProbe}). */
  static byte[] readResource(String resource) {
    try (InputStream in = TcpProbe.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AgentStartupException("classpath resource " + resource + " missing: the agent jar is"
            + " incomplete");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** File descriptor of the {@code tcp_events} ring buffer. */
  public int ringFd() {
    return ringFd;
  }

  /** Size of the ring buffer's data area in bytes (a power of two). */
  public int ringBytes() {
    return ringBytes;
  }

  /** The kernel's per-CPU counters. */
  public KernelCounters counters() {
    return counters;
  }

  /** Detaches the program and frees the object and its maps; idempotent. Close the ring reader first. */
  @Override
  public synchronized void close() {
    if (object == null) {
      return;
    }
    counters.close();
    if (link != null) {
      lib.bpf_link__destroy(link);
      link = null;
    }
    lib.bpf_object__close(object);
    object = null;
    LOG.info("program {} detached", PROGRAM);
  }
}
