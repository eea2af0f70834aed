package io.k8spacket.agent;

import io.k8spacket.agent.bpf.BundledLibBpf;
import io.k8spacket.agent.bpf.LibBpf;
import io.k8spacket.agent.bpf.RingBufferReader;
import io.k8spacket.agent.bpf.TlsProbe;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.metrics.AgentMetrics;
import io.k8spacket.agent.pipeline.EventPump;
import io.k8spacket.agent.pipeline.EventSink;
import io.k8spacket.agent.pipeline.TlsRecords;
import io.k8spacket.agent.tc.AutoAttacher;
import io.k8spacket.agent.tc.ClsactAttacher;
import io.k8spacket.agent.tc.InterfaceFollower;
import io.k8spacket.agent.tc.SysfsInterfaces;
import io.k8spacket.agent.tc.TcAttacher;
import io.k8spacket.agent.tc.TcxAttacher;
import io.k8spacket.agent.tls.TlsAssembler;
import java.time.Duration;
import java.time.Instant;

/**
 * The TLS half of the agent, started and stopped as one: the capture programs loaded, attached to the followed
 * interfaces, their ring read by a second reader thread into the {@link TlsAssembler}, whose handshakes go to
 * the shared sink. {@link #close()} stops in reverse: reader (after a last drain), interfaces detached, ring
 * unmapped, programs unloaded.
 */
final class TlsCapture implements AutoCloseable {
  /**
   * While the TLS ring stays empty its reader waits up to this many poll intervals between drains (100 ms by
   * default): handshakes are rare next to TCP events, and each poll's wake-up costs CPU.
   */
  static final int IDLE_POLLS = 10;

  private final TlsProbe probe;
  private final InterfaceFollower follower;
  private final RingBufferReader ring;
  private final TlsAssembler assembler;
  private final EventPump pump;

  private TlsCapture(TlsProbe probe, InterfaceFollower follower, RingBufferReader ring, TlsAssembler assembler,
      EventPump pump) {
    this.probe = probe;
    this.follower = follower;
    this.ring = ring;
    this.assembler = assembler;
    this.pump = pump;
  }

  /**
   * Loads, attaches and starts reading.
   *
   * @throws AgentStartupException when the programs cannot be loaded
   */
  static TlsCapture start(AgentConfig config, EventSink sink, AgentMetrics metrics, BootClock clock) {
    TlsProbe probe = TlsProbe.load(new TlsProbe.Options(config.tlsRingBytes(), config.tlsKernelFlows(),
        config.tlsFlowBudgetBytes()));
    InterfaceFollower follower = null;
    RingBufferReader ring = null;
    TlsAssembler assembler = null;
    try {
      metrics.bindTlsKernel(probe.counters());
      ring = new RingBufferReader(probe.ringFd(), probe.ringBytes());
      metrics.bindTlsRing(ring);
      assembler = new TlsAssembler(config.tlsAssembly(), config.nodeName(), TlsRecords.toSink(sink, metrics));
      metrics.bindTlsAssembler(assembler::stats);
      follower = new InterfaceFollower(new SysfsInterfaces(SysfsInterfaces.SYS_CLASS_NET),
          config.tlsInterfacePattern(), attacher(config.tlsAttach(), probe));
      metrics.bindTlsInterfaces(follower);
      follower.start(Duration.ofMillis(config.tlsInterfacePollMs()));
      // last: nothing after it can fail (chunks captured until now wait in the ring)
      EventPump pump = new EventPump(ring, new TlsRecords(clock, assembler, metrics, TlsCapture::wallClockNanos),
          clock, Duration.ofMillis(config.pollIntervalMs()), Duration.ofMillis(IDLE_POLLS * config.pollIntervalMs()),
          config.pollBatch(), "k8spacket-tls-reader").start();
      return new TlsCapture(probe, follower, ring, assembler, pump);
    } catch (RuntimeException e) {
      if (follower != null) {
        follower.close();
      }
      if (assembler != null) {
        assembler.close();
      }
      if (ring != null) {
        ring.close();
      }
      probe.close();
      throw e;
    }
  }

  private static TcAttacher attacher(AgentConfig.TlsAttach mode, TlsProbe probe) {
    LibBpf lib = BundledLibBpf.get();
    TcAttacher tcx = new TcxAttacher(lib, probe::programFd);
    TcAttacher clsact = new ClsactAttacher(lib, probe::programFd);
    return switch (mode) {
      case AUTO -> new AutoAttacher(tcx, clsact);
      case TCX -> tcx;
      case TC -> clsact;
    };
  }

  private static long wallClockNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** True while the TLS reader is reading. */
  boolean healthy() {
    return pump.healthy();
  }

  /** Interfaces attached now. */
  InterfaceFollower interfaces() {
    return follower;
  }

  @Override
  public void close() {
    pump.close();
    follower.close();
    assembler.close();
    ring.close();
    probe.close();
  }
}
