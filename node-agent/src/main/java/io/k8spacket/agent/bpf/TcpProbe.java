package io.k8spacket.agent.bpf;

import com.sun.jna.Pointer;
import io.k8spacket.agent.AgentStartupException;
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
  private BpfObject object;
  private Pointer link;
  private final int ringFd;
  private final int ringBytes;
  private final KernelCounters counters;

  private TcpProbe(LibBpf lib, BpfObject object, Pointer link, int ringFd, int ringBytes, KernelCounters counters) {
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
    BpfObject object = BpfObject.open(lib, OBJECT_RESOURCE, OBJECT_NAME, "TCP probe", LOG);
    Pointer link = null;
    try {
      object.setMaxEntries(SOCKETS_MAP, options.maxSockets(), "max_entries");
      object.setMaxEntries(RING_MAP, options.ringBytes(), "size");
      object.setKnob(IGNORE_LOOPBACK, options.ignoreLoopback());
      object.load("CAP_BPF+CAP_PERFMON", "the kernel rejected the program or its maps, see the libbpf lines above"
          + " (CO-RE needs kernel BTF, the ring buffer needs 5.8)");
      link = lib.bpf_program__attach(object.program(PROGRAM));
      if (link == null) {
        throw object.failed("attach", "tp_btf/inet_sock_set_state could not be attached (BTF-typed tracepoints"
            + " need kernel 5.5+ with CONFIG_DEBUG_INFO_BTF): " + BpfObject.errno());
      }
      int ringBytes = object.maxEntries(RING_MAP);
      KernelCounters counters = new KernelCounters(lib, object.mapFd(COUNTERS_MAP));
      LOG.info("program {} attached to tp_btf/inet_sock_set_state (ring {} KiB, {} live sockets max,"
          + " loopback {})", PROGRAM, ringBytes / 1024, options.maxSockets(),
          options.ignoreLoopback() ? "ignored" : "included");
      return new TcpProbe(lib, object, link, object.mapFd(RING_MAP), ringBytes, counters);
    } catch (RuntimeException e) {
      if (link != null) {
        lib.bpf_link__destroy(link);
      }
      object.close();
      throw e;
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
    object.close();
    object = null;
    LOG.info("program {} detached", PROGRAM);
  }
}
