package io.k8spacket.agent.pipeline;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * IP addresses as text the way people and other tools write them: IPv4 dotted, IPv6 in RFC 5952 canonical form
 * (lower-case hex, no leading zeros, the longest run of two or more zero groups, the first on a tie, as
 * {@code ::}). {@code InetAddress.getHostAddress()} does not compress ({@code fd00:231:1:0:0:0:0:1}), so the
 * same address would otherwise appear under two spellings in keys and joins.
 */
public final class IpText {
  private IpText() {}

  /** {@code 10.231.1.1}, {@code fd00:231:1::1}, {@code ::1}, {@code 2001:db8::1:0:0:1}. */
  public static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
