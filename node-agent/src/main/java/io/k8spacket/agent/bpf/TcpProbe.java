package io.k8spacket.agent.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.k8spacket.agent.AgentStartupException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP lifecycle probe ({@code bpf/tcp.bpf.o}) in the kernel, loaded in libbpf's order: open, set knobs,
 * load, attach; {@link #close()} detaches and frees everything. Each failing stage logs and throws one line
 * naming the kernel feature or privilege that is missing. The ring buffer is read elsewhere
 * ({@link RingBufferReader}); this class only hands out its file descriptor and size.
 *
 * <p>Progress reports of open connections: two more programs on the {@code sock_send_length} and
 * {@code sock_recv_length} tracepoints (kernel 6.3+; without them the probe runs and reports at close only)
 * write a report at a socket's first send or receive call after each {@link #requestReports()}.
 */
public final class TcpProbe implements AutoCloseable {
  /** Classpath resource of the compiled program. */
  public static final String OBJECT_RESOURCE = "bpf/tcp.bpf.o";
  static final String OBJECT_NAME = "k8sp_tcp";
  static final String PROGRAM = "k8sp_tcp_state";
  static final String SENT_PROGRAM = "k8sp_tcp_sent";
  static final String RECEIVED_PROGRAM = "k8sp_tcp_received";
  /** BTF of the tracepoint the report programs need; absent before kernel 6.3. */
  static final String REPORT_TRACEPOINT = "btf_trace_sock_send_length";
  static final String GENERATION_MAP = "report_generation";
  static final String RING_MAP = "tcp_events";
  static final String COUNTERS_MAP = "tcp_counters";
  static final String IGNORE_LOOPBACK = "ignore_loopback";
  private static final Logger LOG = LoggerFactory.getLogger(TcpProbe.class);

  /**
   * Knobs set before load. {@code ringBytes} must be a power of two and a multiple of the page size;
   * {@code reports}: load the progress-report programs when the kernel has their tracepoints.
   */
  public record Options(int ringBytes, boolean ignoreLoopback, boolean reports) {
    public Options {
      if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
        throw new IllegalArgumentException("ringBytes must be a power of two >= 4096, got " + ringBytes);
      }
    }
  }

  private final LibBpf lib;
  private BpfObject object;
  private final List<Pointer> links;
  private final int ringFd;
  private final int ringBytes;
  private final KernelCounters counters;
  private final int generationFd;
  private final Memory generationKey = new Memory(4);
  private final Memory generationValue = new Memory(4);
  private int generation;

  private TcpProbe(LibBpf lib, BpfObject object, List<Pointer> links, int ringFd, int ringBytes,
      KernelCounters counters, int generationFd) {
    this.lib = lib;
    this.object = object;
    this.links = links;
    this.ringFd = ringFd;
    this.ringBytes = ringBytes;
    this.counters = counters;
    this.generationFd = generationFd;
    this.generationKey.setInt(0, 0);
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
    List<Pointer> links = new ArrayList<>();
    try {
      object.setMaxEntries(RING_MAP, options.ringBytes(), "size");
      object.setKnob(IGNORE_LOOPBACK, options.ignoreLoopback());
      boolean reports = options.reports() && kernelHas(lib, REPORT_TRACEPOINT);
      object.setAutoload(SENT_PROGRAM, reports);
      object.setAutoload(RECEIVED_PROGRAM, reports);
      object.load("CAP_BPF+CAP_PERFMON", "the kernel rejected the program or its maps, see the libbpf lines above"
          + " (CO-RE needs kernel BTF, socket storage from tracing programs needs 5.11)");
      links.add(attachProgram(lib, object, PROGRAM, "tp_btf/inet_sock_set_state could not be attached"
          + " (BTF-typed tracepoints need kernel 5.5+ with CONFIG_DEBUG_INFO_BTF)"));
      if (reports) {
        links.add(attachProgram(lib, object, SENT_PROGRAM, "tp_btf/sock_send_length could not be attached"));
        links.add(attachProgram(lib, object, RECEIVED_PROGRAM, "tp_btf/sock_recv_length could not be attached"));
      }
      int ringBytes = object.maxEntries(RING_MAP);
      KernelCounters counters = new KernelCounters(lib, object.mapFd(COUNTERS_MAP));
      LOG.info("program {} attached to tp_btf/inet_sock_set_state (ring {} KiB, loopback {}); progress reports {}",
          PROGRAM, ringBytes / 1024, options.ignoreLoopback() ? "ignored" : "included",
          reports ? "on (sock_send_length, sock_recv_length)"
              : options.reports() ? "off: the kernel lacks the sock_send_length tracepoint (6.3+)" : "off");
      return new TcpProbe(lib, object, links, object.mapFd(RING_MAP), ringBytes, counters,
          reports ? object.mapFd(GENERATION_MAP) : -1);
    } catch (RuntimeException e) {
      links.forEach(lib::bpf_link__destroy);
      object.close();
      throw e;
    }
  }

  private static Pointer attachProgram(LibBpf lib, BpfObject object, String program, String failure) {
    Pointer link = lib.bpf_program__attach(object.program(program));
    if (link == null) {
      throw object.failed("attach", failure + ": " + BpfObject.errno());
    }
    return link;
  }

  /** True when the running kernel's BTF has the type {@code typedefName} (how tracepoints appear there). */
  private static boolean kernelHas(LibBpf lib, String typedefName) {
    Pointer btf = lib.btf__parse(HostFacts.VMLINUX_BTF.toString(), null);
    if (btf == null) {
      return false;
    }
    try {
      return lib.btf__find_by_name_kind(btf, typedefName, LibBpf.BTF_KIND_TYPEDEF) >= 0;
    } finally {
      lib.btf__free(btf);
    }
  }

  /** True when the progress-report programs are attached. */
  public boolean reportsEnabled() {
    return generationFd >= 0;
  }

  /**
   * Starts a report generation: every tracked open socket reports its counters so far at its next send or
   * receive call (once). No-op when reports are off.
   */
  public synchronized void requestReports() {
    if (object == null || generationFd < 0) {
      return;
    }
    generationValue.setInt(0, ++generation);
    int err = lib.bpf_map_update_elem(generationFd, generationKey, generationValue, 0);
    if (err < 0) {
      LOG.warn("progress reports: cannot start generation {}: {}", generation, BundledLibBpf.strerror(err));
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
    links.forEach(lib::bpf_link__destroy);
    links.clear();
    object.close();
    object = null;
    LOG.info("program {} detached", PROGRAM);
  }
}
