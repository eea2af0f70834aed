package io.k8spacket.agent.tc;

import io.k8spacket.agent.bpf.TlsProbe.Framing;
import java.util.Objects;
import java.util.Optional;

/**
 * One network interface of this host's network namespace as {@code /sys/class/net} shows it.
 *
 * @param type the {@code ARPHRD_*} link type ({@code /sys/class/net/NAME/type}): 1 Ethernet, 65534 none
 * @param operstate {@code up}, {@code down}, {@code unknown}, ... (only logged: a hook on a down interface
 *     starts seeing packets when it comes up)
 */
public record NetInterface(String name, int ifindex, int type, String operstate) {
  /** {@code ARPHRD_ETHER}: veth, physical NICs, bridges, vxlan, tap. */
  public static final int ARPHRD_ETHER = 1;
  /** {@code ARPHRD_NONE}: L3 devices without a link-layer header (tun, wireguard). */
  public static final int ARPHRD_NONE = 65534;

  public NetInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(operstate, "operstate");
    if (ifindex <= 0) {
      throw new IllegalArgumentException("ifindex must be > 0, got " + ifindex + " for " + name);
    }
  }

  /** Which program variant fits this link type; empty for link types the programs cannot parse. */
  public Optional<Framing> framing() {
    return switch (type) {
      case ARPHRD_ETHER -> Optional.of(Framing.ETHERNET);
      case ARPHRD_NONE -> Optional.of(Framing.RAW_IP);
      default -> Optional.empty();
    };
  }

  /** {@link #framing()} where a program must be attached. */
  Framing requireFraming() {
    return framing().orElseThrow(() -> new IllegalArgumentException(this + " has link type " + type));
  }

  @Override
  public String toString() {
    return name + "(ifindex " + ifindex + ")";
  }
}
