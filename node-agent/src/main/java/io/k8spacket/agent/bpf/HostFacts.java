package io.k8spacket.agent.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the preflight checks need to know about this host, read from /proc and /sys; a record so the checks can
 * be tested with made-up hosts.
 *
 * @param kernelRelease as in {@code uname -r}, e.g. {@code 6.18.0-1-amd64}
 * @param kernelBtf whether {@link #VMLINUX_BTF} exists
 * @param effectiveCapabilities the {@code CapEff} bit mask of this process
 */
public record HostFacts(String kernelRelease, boolean kernelBtf, long effectiveCapabilities) {
  /** Where the kernel publishes its own BTF (CONFIG_DEBUG_INFO_BTF). */
  public static final Path VMLINUX_BTF = Path.of("/sys/kernel/btf/vmlinux");
  private static final Pattern CAP_EFF = Pattern.compile("(?m)^CapEff:\\s*([0-9a-fA-F]+)$");
  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** The facts of the running host. */
  public static HostFacts current() {
    try {
      String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
      Matcher cap = CAP_EFF.matcher(Files.readString(Path.of("/proc/self/status")));
      long caps = cap.find() ? Long.parseUnsignedLong(cap.group(1), 16) : 0;
      return new HostFacts(release, Files.isReadable(VMLINUX_BTF), caps);
    } catch (IOException e) {
      return new HostFacts("unknown", Files.isReadable(VMLINUX_BTF), 0);
    }
  }

  /** Kernel major * 1000 + minor (e.g. 6018 for 6.18), or -1 if the release string is not numeric. */
  public int kernelVersion() {
    Matcher m = VERSION.matcher(kernelRelease);
    return m.find() ? Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) : -1;
  }

  /** Whether bit {@code capability} (from linux/capability.h) is in the effective set. */
  public boolean has(int capability) {
    return (effectiveCapabilities >>> capability & 1) != 0;
  }
}
