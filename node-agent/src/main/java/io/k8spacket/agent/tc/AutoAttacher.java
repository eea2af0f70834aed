package io.k8spacket.agent.tc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCX where the kernel has it (6.6+), clsact filters otherwise: the first attach tries a TCX link, and a
 * refusal meaning "unknown attach type" (EINVAL, EOPNOTSUPP, ENOTSUPP) settles on clsact for good. Any other
 * failure (the interface vanished) decides nothing.
 */
public final class AutoAttacher implements TcAttacher {
  private static final Logger LOG = LoggerFactory.getLogger(AutoAttacher.class);
  private static final int EINVAL = 22;
  private static final int EOPNOTSUPP = 95;
  private static final int ENOTSUPP = 524;

  private final TcAttacher tcx;
  private final TcAttacher clsact;
  private TcAttacher chosen;

  public AutoAttacher(TcAttacher tcx, TcAttacher clsact) {
    this.tcx = tcx;
    this.clsact = clsact;
  }

  @Override
  public synchronized Attachment attach(NetInterface iface) {
    if (chosen != null) {
      return chosen.attach(iface);
    }
    try {
      Attachment attachment = tcx.attach(iface);
      chosen = tcx;
      LOG.info("TLS capture attaches with TCX links (they vanish with the agent)");
      return attachment;
    } catch (AttachException e) {
      if (e.errno() != EINVAL && e.errno() != EOPNOTSUPP && e.errno() != ENOTSUPP) {
        throw e;
      }
      chosen = clsact;
      LOG.info("TCX not available ({}): TLS capture attaches clsact filters instead", e.getMessage());
      return clsact.attach(iface);
    }
  }

  @Override
  public synchronized String kind() {
    return chosen == null ? "auto" : chosen.kind();
  }
}
