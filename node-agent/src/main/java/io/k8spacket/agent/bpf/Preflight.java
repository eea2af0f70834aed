package io.k8spacket.agent.bpf;

import io.k8spacket.agent.AgentStartupException;

/**
 * Checks, before anything is loaded, the kernel features and privileges the TCP probe needs, so an unsupported
 * host gets one line naming what is missing instead of a libbpf error several stages later.
 */
public final class Preflight {
  /**
   * Socket storage from tracing programs arrived in 5.11 (the BPF ring buffer and CAP_BPF/CAP_PERFMON in 5.8,
   * tp_btf in 5.5).
   */
  public static final int MIN_KERNEL = 5011;
  static final int CAP_NET_ADMIN = 12;
  static final int CAP_SYS_ADMIN = 21;
  static final int CAP_PERFMON = 38;
  static final int CAP_BPF = 39;

  private Preflight() {}

  /**
   * Throws when {@code host} cannot run the probe.
   *
   * @throws AgentStartupException naming the missing kernel feature or privilege
   */
  public static void check(HostFacts host) {
    int version = host.kernelVersion();
    if (version >= 0 && version < MIN_KERNEL) {
      throw new AgentStartupException("kernel " + version / 1000 + "." + version % 1000 + " is older than "
          + MIN_KERNEL / 1000 + "." + MIN_KERNEL % 1000 + ": socket storage from tracing programs missing");
    }
    if (!host.kernelBtf()) {
      throw new AgentStartupException("kernel BTF not found at " + HostFacts.VMLINUX_BTF
          + ": the TCP probe needs CONFIG_DEBUG_INFO_BTF");
    }
    if (!(host.has(CAP_BPF) && host.has(CAP_PERFMON)) && !host.has(CAP_SYS_ADMIN)) {
      throw new AgentStartupException("not root / missing CAP_BPF+CAP_PERFMON (effective capabilities 0x"
          + Long.toHexString(host.effectiveCapabilities()) + ")");
    }
  }

  /**
   * Throws when {@code host} cannot attach the TLS capture programs to interfaces (TC needs CAP_NET_ADMIN).
   *
   * @throws AgentStartupException naming the missing privilege and the setting that turns TLS capture off
   */
  public static void checkTls(HostFacts host) {
    if (!host.has(CAP_NET_ADMIN)) {
      throw new AgentStartupException("TLS capture needs CAP_NET_ADMIN to attach to interfaces (effective"
          + " capabilities 0x" + Long.toHexString(host.effectiveCapabilities())
          + "); grant it or set K8SPACKET_AGENT_TLS_ENABLED=false");
    }
  }
}
