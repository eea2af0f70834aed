package io.k8spacket.agent.tc;

import io.k8spacket.agent.bpf.BundledLibBpf;
import io.k8spacket.agent.bpf.LibBpf;
import io.k8spacket.agent.bpf.LibC;
import io.k8spacket.agent.bpf.TlsProbe.Framing;
import io.k8spacket.agent.bpf.TlsProbe.Hook;
import java.util.Locale;
import java.util.function.ToIntBiFunction;

/**
 * Attaches with TCX links (kernel 6.6+): {@code bpf_link_create(prog_fd, ifindex, BPF_TCX_INGRESS/EGRESS)}
 * (libbpf 1.1 has no {@code bpf_program__attach_tcx}; the raw link call works, research/ebpf-jna.md §4.3).
 * A link is owned by its file descriptor: closing it detaches, and so does the kernel when the agent dies,
 * even by SIGKILL. No qdisc is involved, and other programs on the interface (TCX or clsact) keep running,
 * since ours always answers TCX_NEXT.
 */
public final class TcxAttacher implements TcAttacher {
  private final LibBpf lib;
  private final ToIntBiFunction<Framing, Hook> programs;

  /** {@code programs} gives the program fd for a framing and hook (e.g. {@code TlsProbe::programFd}). */
  public TcxAttacher(LibBpf lib, ToIntBiFunction<Framing, Hook> programs) {
    this.lib = lib;
    this.programs = programs;
  }

  @Override
  public Attachment attach(NetInterface iface) {
    Framing framing = iface.requireFraming();
    int ingress = link(iface, framing, Hook.INGRESS, LibBpf.BPF_TCX_INGRESS);
    int egress;
    try {
      egress = link(iface, framing, Hook.EGRESS, LibBpf.BPF_TCX_EGRESS);
    } catch (AttachException e) {
      LibC.INSTANCE.close(ingress);
      throw e;
    }
    return Attachment.once(() -> {
      LibC.INSTANCE.close(ingress);
      LibC.INSTANCE.close(egress);
    });
  }

  private int link(NetInterface iface, Framing framing, Hook hook, int attachType) {
    int fd = lib.bpf_link_create(programs.applyAsInt(framing, hook), iface.ifindex(), attachType, null);
    if (fd < 0) {
      throw new AttachException("TCX " + hook.name().toLowerCase(Locale.ROOT) + " link on " + iface
          + ": " + BundledLibBpf.strerror(fd), -fd);
    }
    return fd;
  }

  @Override
  public String kind() {
    return "tcx";
  }
}
