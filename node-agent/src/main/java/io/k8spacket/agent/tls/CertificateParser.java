package io.k8spacket.agent.tls;

import io.k8spacket.agent.pipeline.IpText;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * Reads the TLS ≤ 1.2 Certificate message (RFC 5246 §7.4.2: a 24-bit list of 24-bit-prefixed DER certificates)
 * and summarises each certificate with {@code CertificateFactory("X.509")}. A certificate that does not parse is
 * counted and skipped; the rest of the chain is kept. Servers send the same chain on every handshake, so
 * summaries are cached by the SHA-256 of the DER (bounded, least recently used first out). Not thread-safe.
 */
final class CertificateParser {
  private static final HexFormat HEX = HexFormat.of();
  private static final int CACHE_ENTRIES = 1024;

  /** The certificates that parsed, leaf first, and how many were rejected. */
  record Chain(List<CertificateSummary> certificates, int rejected) {}

  private final CertificateFactory factory;
  private final Map<String, CertificateSummary> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CertificateSummary> eldest) {
      return size() > CACHE_ENTRIES;
    }
  };

  CertificateParser() {
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("every JDK has an X.509 CertificateFactory", e);
    }
  }

  /** Parses a Certificate message body; only its framing can fail as a whole. */
  Chain parseMessage(byte[] body, int offset, int length) throws TlsParseException {
    TlsReader in = new TlsReader(body, offset, length, ParseErrorKind.CERTIFICATE_MESSAGE);
    TlsReader list = in.vector(3);
    in.expectEnd("Certificate");
    List<CertificateSummary> parsed = new ArrayList<>();
    int rejected = 0;
    while (list.hasRemaining()) {
      byte[] der = list.bytes(list.u24());
      CertificateSummary summary = parseDer(der);
      if (summary == null) {
        rejected++;
      } else {
        parsed.add(summary);
      }
    }
    return new Chain(parsed, rejected);
  }

  /** One DER certificate, or null when it does not parse. */
  CertificateSummary parseDer(byte[] der) {
    if (der.length == 0 || der[0] != 0x30) {
      return null; // not a DER SEQUENCE; CertificateFactory would also try PEM text, which TLS never carries
    }
    String sha256 = HEX.formatHex(sha256(der));
    CertificateSummary cached = cache.get(sha256);
    if (cached != null) {
      return cached;
    }
    try {
      X509Certificate certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
      CertificateSummary summary = summarize(certificate, sha256);
      cache.put(sha256, summary);
      return summary;
    } catch (CertificateException | RuntimeException e) {
      return null; // the JDK's DER decoder throws unchecked exceptions on some malformed inputs too
    }
  }

  /** The event's view of a parsed certificate; {@code sha256} is the hex fingerprint of its DER encoding. */
  static CertificateSummary summarize(X509Certificate certificate, String sha256) throws CertificateException {
    PublicKey key = certificate.getPublicKey();
    return new CertificateSummary(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
        certificate.getIssuerX500Principal().getName(X500Principal.RFC2253), subjectAltNames(certificate),
        serialHex(certificate.getSerialNumber()), certificate.getNotBefore().getTime(),
        certificate.getNotAfter().getTime(), keyType(key), keyBits(key), certificate.getSigAlgName(), sha256);
  }

  /** Summarises a certificate obtained elsewhere (the active fetch). */
  static CertificateSummary summarize(X509Certificate certificate) throws CertificateException {
    return summarize(certificate, HEX.formatHex(sha256(certificate.getEncoded())));
  }

  private static String serialHex(BigInteger serial) {
    return serial.toString(16);
  }

  private static List<String> subjectAltNames(X509Certificate certificate) throws CertificateException {
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(names.size());
    for (List<?> name : names) {
      if (name.size() < 2 || !(name.get(0) instanceof Integer type) || !(name.get(1) instanceof String value)) {
        continue; // otherName, x400Address and ediPartyName come as DER bytes; events carry only the four below
      }
      switch (type) {
        case 1 -> out.add("email:" + value);
        case 2 -> out.add("DNS:" + value);
        case 6 -> out.add("URI:" + value);
        case 7 -> out.add("IP:" + ipText(value));
        default -> { } // directoryName, registeredID
      }
    }
    return out;
  }

  /** The JDK writes IPv6 SANs uncompressed; events use RFC 5952 like every other address. */
  private static String ipText(String literal) {
    if (!literal.matches("[0-9A-Fa-f:.]+")) {
      return literal; // never let InetAddress resolve a name
    }
    try {
      return IpText.format(InetAddress.getByName(literal));
    } catch (java.io.IOException | RuntimeException e) {
      return literal;
    }
  }

  private static String keyType(PublicKey key) {
    if (key instanceof EdECPublicKey ed) {
      return ed.getParams().getName();
    }
    if (key instanceof XECPublicKey x && x.getParams() instanceof NamedParameterSpec spec) {
      return spec.getName();
    }
    return key.getAlgorithm();
  }

  private static int keyBits(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return rsa.getModulus().bitLength();
    }
    if (key instanceof ECPublicKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof DSAPublicKey dsa && dsa.getParams() != null) {
      return dsa.getParams().getP().bitLength();
    }
    String name = keyType(key);
    return switch (name) {
      case "Ed25519", "X25519" -> 255;
      case "Ed448", "X448" -> 448;
      default -> 0;
    };
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
