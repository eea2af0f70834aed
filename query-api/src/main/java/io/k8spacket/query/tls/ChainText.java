package io.k8spacket.query.tls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Renders a parsed chain as plain text in the shape of {@code openssl x509 -text} (what the original showed as
 * {@code serverChain}), from the parsed fields only: one block per certificate, leaf first, {@code \n} line
 * breaks, no blank lines. No chain renders as {@code UNAVAILABLE}, as in the original.
 *
 * <pre>
 * Certificate:
 *     Data:
 *         Serial Number:
 *             03:e8
 *         Signature Algorithm: SHA256withRSA
 *         Issuer: CN=Shop CA,O=Shop
 *         Validity
 *             Not Before: Jan  1 00:00:00 2026 GMT
 *             Not After : Apr  1 00:00:00 2026 GMT
 *         Subject: CN=web.shop.svc
 *         Subject Public Key Info:
 *             Public Key Algorithm: RSA
 *                 Public-Key: (2048 bit)
 *         X509v3 extensions:
 *             X509v3 Subject Alternative Name:
 *                 DNS:web.shop.svc, IP:10.0.1.1
 *     SHA256 Fingerprint: AB:CD:…
 * </pre>
 */
public final class ChainText {
  /** The text of a chain that was not seen. */
  public static final String UNAVAILABLE = "UNAVAILABLE";

  private static final DateTimeFormatter OPENSSL_TIME =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss uuuu 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private ChainText() {}

  /** The whole chain, or {@link #UNAVAILABLE} when it is empty. */
  public static String render(List<CertificateInfoView> chain) {
    if (chain.isEmpty()) {
      return UNAVAILABLE;
    }
    StringBuilder sb = new StringBuilder();
    for (CertificateInfoView c : chain) {
      certificate(sb, c);
    }
    return sb.toString();
  }

  private static void certificate(StringBuilder sb, CertificateInfoView c) {
    sb.append("Certificate:\n");
    sb.append("    Data:\n");
    sb.append("        Serial Number:\n");
    sb.append("            ").append(colons(c.serialHex())).append('\n');
    sb.append("        Signature Algorithm: ").append(c.signatureAlgorithm()).append('\n');
    sb.append("        Issuer: ").append(c.issuer()).append('\n');
    sb.append("        Validity\n");
    sb.append("            Not Before: ").append(OPENSSL_TIME.format(Instant.ofEpochMilli(c.notBeforeMs())))
        .append('\n');
    sb.append("            Not After : ").append(OPENSSL_TIME.format(Instant.ofEpochMilli(c.notAfterMs())))
        .append('\n');
    sb.append("        Subject: ").append(c.subject()).append('\n');
    sb.append("        Subject Public Key Info:\n");
    sb.append("            Public Key Algorithm: ").append(c.keyType()).append('\n');
    sb.append("                Public-Key: (").append(c.keyBits()).append(" bit)\n");
    if (!c.subjectAltNames().isEmpty()) {
      sb.append("        X509v3 extensions:\n");
      sb.append("            X509v3 Subject Alternative Name:\n");
      sb.append("                ").append(String.join(", ", c.subjectAltNames())).append('\n');
    }
    sb.append("    SHA256 Fingerprint: ").append(colons(c.sha256()).toUpperCase(Locale.ROOT)).append('\n');
  }

  /** {@code 3e8} as {@code 03:e8}: byte pairs joined by colons, a leading zero added to an odd length. */
  static String colons(String hex) {
    String even = hex.length() % 2 == 1 ? "0" + hex : hex;
    StringBuilder sb = new StringBuilder(even.length() * 3 / 2);
    for (int i = 0; i < even.length(); i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(even, i, i + 2);
    }
    return sb.toString();
  }
}
