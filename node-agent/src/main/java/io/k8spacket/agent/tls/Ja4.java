package io.k8spacket.agent.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JA4 TLS client fingerprint, as published by FoxIO (technical_details/JA4.md), for TLS over TCP.
 *
 * <p>{@code t13d1516h2_8daaf6152771_e5627efa2ab1} reads: {@code t} TCP; {@code 13} the highest
 * supported_versions entry (else the legacy version); {@code d} an SNI extension is present ({@code i} if not);
 * {@code 15} cipher suites and {@code 16} extensions (GREASE not counted, capped at 99); {@code h2} the first and
 * last character of the first ALPN value ({@code 00} without one; hex digits when either end is not ASCII
 * alphanumeric). Then the first 12 hex digits of SHA-256 over the sorted, comma-joined 4-digit hex cipher list,
 * and over the sorted extension list without SNI (0000) and ALPN (0010), followed by {@code _} and the signature
 * algorithms in wire order (no {@code _} when there are none). An empty list hashes to {@code 000000000000}.
 * No deviation from the published algorithm; GREASE values were already removed by the parser.
 */
public final class Ja4 {
  private static final String EMPTY_HASH = "000000000000";
  private static final HexFormat HEX = HexFormat.of();

  private Ja4() {}

  public static String fingerprint(ClientHelloInfo hello) {
    List<Integer> extensions = hello.extensions();
    String a = "t" + version(hello) + (hello.sniPresent() ? "d" : "i") + count(hello.cipherSuites().size())
        + count(extensions.size()) + alpn(hello.alpnFirstRaw());
    String b = hello.cipherSuites().isEmpty() ? EMPTY_HASH : hash12(sortedHex(hello.cipherSuites()));
    List<Integer> hashedExtensions = extensions.stream()
        .filter(e -> e != TlsCodes.EXT_SERVER_NAME && e != TlsCodes.EXT_ALPN).toList();
    String c;
    if (hashedExtensions.isEmpty()) {
      c = EMPTY_HASH;
    } else {
      String text = sortedHex(hashedExtensions);
      if (!hello.signatureAlgorithms().isEmpty()) {
        text += "_" + hello.signatureAlgorithms().stream().map(Ja4::hex4).collect(Collectors.joining(","));
      }
      c = hash12(text);
    }
    return a + "_" + b + "_" + c;
  }

  static String version(ClientHelloInfo hello) {
    int version = hello.supportedVersions().isEmpty() ? hello.legacyVersion()
        : hello.supportedVersions().stream().mapToInt(Integer::intValue).max().getAsInt();
    return switch (version) {
      case 0x0304 -> "13";
      case 0x0303 -> "12";
      case 0x0302 -> "11";
      case 0x0301 -> "10";
      case 0x0300 -> "s3";
      case 0x0002 -> "s2";
      case 0xfeff -> "d1";
      case 0xfefd -> "d2";
      case 0xfefc -> "d3";
      default -> "00";
    };
  }

  static String alpn(byte[] first) {
    if (first == null || first.length == 0) {
      return "00";
    }
    int head = first[0] & 0xff;
    int tail = first[first.length - 1] & 0xff;
    if (alphanumeric(head) && alphanumeric(tail)) {
      return "" + (char) head + (char) tail;
    }
    String hex = HEX.formatHex(new byte[] {first[0], first[first.length - 1]});
    return "" + hex.charAt(0) + hex.charAt(3);
  }

  private static boolean alphanumeric(int c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  private static String count(int n) {
    return n > 99 ? "99" : String.format("%02d", n);
  }

  private static String sortedHex(List<Integer> values) {
    return values.stream().sorted().map(Ja4::hex4).collect(Collectors.joining(","));
  }

  private static String hex4(int value) {
    return HEX.toHexDigits((short) value);
  }

  private static String hash12(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
      return HEX.formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
