package io.k8spacket.agent.bpf;

import io.k8spacket.agent.AgentStartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake capture programs ({@code bpf/tls.bpf.o}) loaded into the kernel: open, set knobs, load;
 * {@link #close()} frees everything. Attaching them to interfaces is the job of {@code io.k8spacket.agent.tc}
 * (TCX links or clsact filters), which asks for {@link #programFd}. The ring buffer is read by a
 * {@link RingBufferReader} on {@link #ringFd()}.
 *
 * <p>Four entry points share one code path: ingress and egress, each for Ethernet devices (14-byte L2 header)
 * and for L3 devices without a link-layer header (tun, wireguard).
 */
public final class TlsProbe implements AutoCloseable {
  /** Classpath resource of the compiled programs. */
  public static final String OBJECT_RESOURCE = "bpf/tls.bpf.o";
  static final String OBJECT_NAME = "k8sp_tls";
  /** Every program of the object starts with this name (how a leftover filter of ours is recognised). */
  public static final String PROGRAM_PREFIX = "k8sp_tls_";
  static final String FLOWS_MAP = "tls_flows";
  static final String RING_MAP = "tls_chunks";
  static final String COUNTERS_MAP = "tls_counters";
  static final String FLOW_BUDGET = "flow_budget";

  /** {@code K8SP_TLS_PACKETS}: IPv4/IPv6 TCP packets looked at. */
  public static final int PACKETS = 0;
  /** {@code K8SP_TLS_FLOWS}: handshake flow directions started. */
  public static final int FLOWS = 1;
  /** {@code K8SP_TLS_CHUNKS}: chunks written to the ring. */
  public static final int CHUNKS = 2;
  /** {@code K8SP_TLS_RINGBUF_DROPS}: chunks lost because the ring was full. */
  public static final int RINGBUF_DROPS = 3;
  /** {@code K8SP_TLS_TRUNCATIONS}: packets whose handshake bytes were not all copied (budget, limits). */
  public static final int TRUNCATIONS = 4;
  /** {@code K8SP_TLS_GAPS}: segments of a followed flow that began past the next expected record. */
  public static final int GAPS = 5;
  /** {@code K8SP_TLS_COUNTER_MAX}. */
  public static final int COUNTERS = 6;

  private static final Logger LOG = LoggerFactory.getLogger(TlsProbe.class);

  /** Which hook of an interface a program serves. */
  public enum Hook { INGRESS, EGRESS }

  /** What precedes the IP header on an interface: an Ethernet header, or nothing (ARPHRD_NONE). */
  public enum Framing { ETHERNET, RAW_IP }

  /**
   * Knobs set before load. {@code ringBytes}: a power of two ≥ 4096; {@code maxFlows}: flow directions followed
   * at once; {@code flowBudgetBytes}: handshake bytes copied per flow direction at most.
   */
  public record Options(int ringBytes, int maxFlows, int flowBudgetBytes) {
    public Options {
      if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
        throw new IllegalArgumentException("ringBytes must be a power of two >= 4096, got " + ringBytes);
      }
      if (maxFlows <= 0) {
        throw new IllegalArgumentException("maxFlows must be > 0, got " + maxFlows);
      }
      if (flowBudgetBytes <= 0) {
        throw new IllegalArgumentException("flowBudgetBytes must be > 0, got " + flowBudgetBytes);
      }
    }
  }

  private BpfObject object;
  private final int[] programFds;
  private final int ringFd;
  private final int ringBytes;
  private final KernelCounters counters;

  private TlsProbe(BpfObject object, int[] programFds, int ringFd, int ringBytes, KernelCounters counters) {
    this.object = object;
    this.programFds = programFds;
    this.ringFd = ringFd;
    this.ringBytes = ringBytes;
    this.counters = counters;
  }

  /**
   * Opens, configures and loads the programs (nothing is attached yet).
   *
   * @throws AgentStartupException naming the stage and the missing feature when any stage fails
   */
  public static TlsProbe load(Options options) {
    LibBpf lib = BundledLibBpf.get();
    BpfObject object = BpfObject.open(lib, OBJECT_RESOURCE, OBJECT_NAME, "TLS capture", LOG);
    try {
      object.setMaxEntries(FLOWS_MAP, options.maxFlows(), "max_entries");
      object.setMaxEntries(RING_MAP, options.ringBytes(), "size");
      object.setKnob(FLOW_BUDGET, options.flowBudgetBytes());
      object.load("CAP_BPF+CAP_PERFMON+CAP_NET_ADMIN",
          "the kernel rejected the programs or their maps, see the libbpf lines above");
      int[] fds = new int[Framing.values().length * Hook.values().length];
      for (Framing framing : Framing.values()) {
        for (Hook hook : Hook.values()) {
          fds[index(framing, hook)] = lib.bpf_program__fd(object.program(programName(framing, hook)));
        }
      }
      int ringBytes = object.maxEntries(RING_MAP);
      KernelCounters counters = new KernelCounters(lib, object.mapFd(COUNTERS_MAP), COUNTERS);
      LOG.info("TLS capture programs loaded (ring {} KiB, {} flows max, {} bytes per flow direction)",
          ringBytes / 1024, options.maxFlows(), options.flowBudgetBytes());
      return new TlsProbe(object, fds, object.mapFd(RING_MAP), ringBytes, counters);
    } catch (RuntimeException e) {
      object.close();
      throw e;
    }
  }

  /** The C function name of the entry point for {@code framing} and {@code hook}, e.g. {@code k8sp_tls_in_eth}. */
  public static String programName(Framing framing, Hook hook) {
    return PROGRAM_PREFIX + (hook == Hook.INGRESS ? "in" : "eg") + (framing == Framing.ETHERNET ? "_eth" : "_l3");
  }

  private static int index(Framing framing, Hook hook) {
    return framing.ordinal() * Hook.values().length + hook.ordinal();
  }

  /** File descriptor of the loaded program for {@code framing} and {@code hook}. */
  public int programFd(Framing framing, Hook hook) {
    return programFds[index(framing, hook)];
  }

  /** File descriptor of the {@code tls_chunks} ring buffer. */
  public int ringFd() {
    return ringFd;
  }

  /** Size of the ring buffer's data area in bytes (a power of two). */
  public int ringBytes() {
    return ringBytes;
  }

  /** The kernel's per-CPU counters, indexed by the constants of this class. */
  public KernelCounters counters() {
    return counters;
  }

  /** Frees the programs and maps; idempotent. Detach every interface and close the ring reader first. */
  @Override
  public synchronized void close() {
    if (object == null) {
      return;
    }
    counters.close();
    object.close();
    object = null;
    LOG.info("TLS capture programs unloaded");
  }
}
