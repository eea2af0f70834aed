package io.k8spacket.streams.metadata;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates IP literals without any DNS lookup and writes them the way the agent does: IPv4 dotted decimal,
 * IPv6 in RFC 5952 form (lower case, no leading zeros, the longest run of two or more zero groups as
 * {@code ::}), so {@code 2001:DB8:0:0:0:0:0:1} and {@code 2001:db8::1} name the same endpoint.
 */
public final class IpLiterals {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  private IpLiterals() {}

  /** The canonical text of an IP literal; throws IllegalArgumentException when it is not one. */
  public static String canonical(String text) {
    Matcher m = IPV4.matcher(text);
    if (m.matches()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i <= 4; i++) {
        int octet = Integer.parseInt(m.group(i));
        if (octet > 255) {
          throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        sb.append(i > 1 ? "." : "").append(octet);
      }
      return sb.toString();
    }
    if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address");
    }
    try {
      byte[] bytes = InetAddress.getByName(text).getAddress(); // a literal with ':' never triggers DNS
      return bytes.length == 16 ? rfc5952(bytes) : InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv6 address", e);
    }
  }

  private static String rfc5952(byte[] b) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
