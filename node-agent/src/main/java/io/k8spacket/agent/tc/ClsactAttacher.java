package io.k8spacket.agent.tc;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import io.k8spacket.agent.bpf.BundledLibBpf;
import io.k8spacket.agent.bpf.LibBpf;
import io.k8spacket.agent.bpf.LibC;
import io.k8spacket.agent.bpf.TcHook;
import io.k8spacket.agent.bpf.TcOpts;
import io.k8spacket.agent.bpf.TlsProbe;
import io.k8spacket.agent.bpf.TlsProbe.Framing;
import io.k8spacket.agent.bpf.TlsProbe.Hook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches as classic clsact direct-action filters through libbpf's {@code bpf_tc_*} (any kernel; the fallback
 * when TCX is missing). Such filters outlive the process (a SIGKILLed agent leaves them running), so:
 * <ul>
 *   <li>ours always use the fixed {@link #HANDLE} and {@link #PRIORITY}; on attach, a filter found there is
 *       replaced ({@code BPF_TC_F_REPLACE}) only if its program is ours (name {@code k8sp_tls_*}), and a
 *       foreign one there makes the attach fail instead;</li>
 *   <li>the clsact qdisc is created only if missing ({@code EEXIST}: someone else's, or a leftover, is never
 *       destroyed); on detach exactly our two filters go, and the qdisc only if this attach created it
 *       <em>and</em> an rtnetlink dump ({@link RtnetlinkFilters}) then finds no filter left on either hook.
 *       Destroying it would take along the filters another tool added after us, so with any left, or when the
 *       dump fails, the qdisc stays. A filter added between that dump and the destroy is still lost; the window
 *       is one netlink round trip.</li>
 * </ul>
 * research/ebpf-jna.md §4.2–4.3.
 */
public final class ClsactAttacher implements TcAttacher {
  /** Handle of our filters: 'kp'. */
  public static final int HANDLE = 0x6b70;
  /** Priority of our filters: after anything at 1, before the kernel's automatic priorities (49152 down). */
  public static final int PRIORITY = 2;
  private static final int ENOENT = 2;
  private static final int EEXIST = 17;
  private static final int ENODEV = 19;
  private static final int EINVAL = 22;
  /** {@code struct bpf_prog_info} up to and including {@code char name[16]} at offset 64. */
  private static final int PROG_INFO_BYTES = 80;
  private static final int PROG_INFO_NAME = 64;
  private static final Logger LOG = LoggerFactory.getLogger(ClsactAttacher.class);

  private final LibBpf lib;
  private final ToIntBiFunction<Framing, Hook> programs;

  /** {@code programs} gives the program fd for a framing and hook (e.g. {@code TlsProbe::programFd}). */
  public ClsactAttacher(LibBpf lib, ToIntBiFunction<Framing, Hook> programs) {
    this.lib = lib;
    this.programs = programs;
  }

  @Override
  public Attachment attach(NetInterface iface) {
    Framing framing = iface.requireFraming();
    int err = lib.bpf_tc_hook_create(new TcHook(iface.ifindex(), LibBpf.BPF_TC_INGRESS | LibBpf.BPF_TC_EGRESS));
    if (err < 0 && err != -EEXIST) {
      throw new AttachException("clsact qdisc on " + iface + ": " + BundledLibBpf.strerror(err), -err);
    }
    boolean createdQdisc = err == 0;
    boolean ingressAttached = false;
    try {
      filter(iface, framing, Hook.INGRESS);
      ingressAttached = true;
      filter(iface, framing, Hook.EGRESS);
    } catch (AttachException e) {
      if (ingressAttached) {
        detachFilter(iface, Hook.INGRESS);
      }
      if (createdQdisc) {
        releaseQdisc(iface);
      }
      throw e;
    }
    return Attachment.once(() -> {
      detachFilter(iface, Hook.INGRESS);
      detachFilter(iface, Hook.EGRESS);
      if (createdQdisc) {
        releaseQdisc(iface);
      }
    });
  }

  /** Adds (or replaces our leftover) filter at our handle and priority on one hook. */
  private void filter(NetInterface iface, Framing framing, Hook hook) {
    TcHook tcHook = hook(iface, hook);
    TcOpts query = new TcOpts(HANDLE, PRIORITY);
    int found = lib.bpf_tc_query(tcHook, query);
    boolean replace = false;
    if (found == 0) {
      String owner = programName(query.prog_id);
      if (!owner.startsWith(TlsProbe.PROGRAM_PREFIX)) {
        throw new AttachException(where(iface, hook) + ": handle 0x" + Integer.toHexString(HANDLE) + " priority "
            + PRIORITY + " holds a foreign filter (program '" + owner + "', id " + query.prog_id
            + "); not touching it", EEXIST);
      }
      LOG.info("{}: replacing our filter left by an earlier agent (program {} id {})", where(iface, hook), owner,
          query.prog_id);
      replace = true;
    } else if (found != -ENOENT && found != -EINVAL) { // EINVAL: no filter chain on the hook at all yet
      throw new AttachException(where(iface, hook) + ": query failed: " + BundledLibBpf.strerror(found), -found);
    }
    TcOpts opts = new TcOpts(HANDLE, PRIORITY);
    opts.prog_fd = programs.applyAsInt(framing, hook);
    opts.flags = replace ? LibBpf.BPF_TC_F_REPLACE : 0;
    int err = lib.bpf_tc_attach(tcHook, opts);
    if (err < 0) {
      throw new AttachException(where(iface, hook) + ": filter not attached: " + BundledLibBpf.strerror(err), -err);
    }
  }

  private void detachFilter(NetInterface iface, Hook hook) {
    int err = lib.bpf_tc_detach(hook(iface, hook), new TcOpts(HANDLE, PRIORITY));
    if (err < 0 && err != -ENODEV && err != -ENOENT && err != -EINVAL) {
      LOG.warn("{}: our filter could not be removed: {}", where(iface, hook), BundledLibBpf.strerror(err));
    }
  }

  /** Destroys the clsact qdisc we created, unless it now holds filters that are not ours, or that is unclear. */
  private void releaseQdisc(NetInterface iface) {
    int foreign;
    try {
      foreign = RtnetlinkFilters.count(iface.ifindex(), RtnetlinkFilters.INGRESS)
          + RtnetlinkFilters.count(iface.ifindex(), RtnetlinkFilters.EGRESS);
    } catch (IOException e) {
      LOG.warn("clsact qdisc on {} kept: its filters could not be listed: {}", iface, e.getMessage());
      return;
    }
    if (foreign > 0) {
      LOG.info("clsact qdisc on {} kept: {} foreign filters", iface, foreign);
      return;
    }
    destroyQdisc(iface);
  }

  private void destroyQdisc(NetInterface iface) {
    int err = lib.bpf_tc_hook_destroy(new TcHook(iface.ifindex(), LibBpf.BPF_TC_INGRESS | LibBpf.BPF_TC_EGRESS));
    if (err < 0 && err != -ENODEV && err != -ENOENT && err != -EINVAL) {
      LOG.warn("clsact qdisc on {} (created by us) could not be removed: {}", iface, BundledLibBpf.strerror(err));
    }
  }

  /** The name of the loaded program with {@code id}, or a placeholder if it cannot be read. */
  private String programName(int id) {
    int fd = lib.bpf_prog_get_fd_by_id(id);
    if (fd < 0) {
      return "?";
    }
    try (Memory info = new Memory(PROG_INFO_BYTES)) {
      info.clear();
      if (lib.bpf_obj_get_info_by_fd(fd, info, new IntByReference(PROG_INFO_BYTES)) < 0) {
        return "?";
      }
      byte[] name = info.getByteArray(PROG_INFO_NAME, 16);
      int len = 0;
      while (len < name.length && name[len] != 0) {
        len++;
      }
      return new String(name, 0, len, StandardCharsets.US_ASCII);
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  private static TcHook hook(NetInterface iface, Hook hook) {
    return new TcHook(iface.ifindex(), hook == Hook.INGRESS ? LibBpf.BPF_TC_INGRESS : LibBpf.BPF_TC_EGRESS);
  }

  private static String where(NetInterface iface, Hook hook) {
    return "tc " + hook.name().toLowerCase(Locale.ROOT) + " of " + iface;
  }

  @Override
  public String kind() {
    return "tc clsact";
  }
}
