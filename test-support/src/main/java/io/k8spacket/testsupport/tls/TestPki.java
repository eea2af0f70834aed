package io.k8spacket.testsupport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throwaway PKI made with the {@code openssl} CLI for TLS tests: a root, an intermediate CA and a leaf with the
 * given subject alternative names, written as PEM files that {@code openssl s_server} and Java can load. Each
 * certificate's subject, key type, serial and validity can be chosen ({@link Spec}); by default all three are
 * RSA-2048 and valid from now. Tests compare what k8spacket parsed from the wire with {@link Chain#leaf()} and
 * {@link Chain#intermediate()}, or with {@link #issued}, which reads serial and fingerprint back from openssl
 * so the expectation never goes through the JDK's certificate parser.
 *
 * <pre>{@code
 * TestPki.Chain pki = TestPki.create(Path.of("target", "pki"), "shop.example.test",
 *     List.of("DNS:shop.example.test", "IP:10.231.5.2"), 30);
 * // openssl s_server -cert pki.leafCert() -key pki.leafKey() -cert_chain pki.intermediateCert() ...
 * // SSLContext: KeyManagerFactory.init(pki.serverKeyStore("changeit"), "changeit".toCharArray())
 * }</pre>
 */
public final class TestPki {
  private static final DateTimeFormatter OPENSSL_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private TestPki() {}

  /** A key type, and the digest certificates signed by it use (P-384 signs with SHA-384, as keytool does). */
  public enum Key {
    RSA_2048("RSA", "sha256", "-pkeyopt", "rsa_keygen_bits:2048"),
    EC_P256("EC", "sha256", "-pkeyopt", "ec_paramgen_curve:P-256"),
    EC_P384("EC", "sha384", "-pkeyopt", "ec_paramgen_curve:P-384"),
    ED25519("ED25519", "default");

    private final String algorithm;
    private final String digest;
    private final List<String> options;

    Key(String algorithm, String digest, String... options) {
      this.algorithm = algorithm;
      this.digest = digest;
      this.options = List.of(options);
    }
  }

  /**
   * One certificate to make.
   *
   * @param subject in openssl's form, most significant first: {@code /C=DE/O=k8spacket/CN=demo.example.test}
   * @param notBefore start of validity (whole seconds), or null for now
   * @param days validity from {@code notBefore}
   */
  public record Spec(String subject, Key key, long serial, Instant notBefore, int days) {
    /** Valid from now. */
    public static Spec of(String subject, Key key, long serial, int days) {
      return new Spec(subject, key, serial, null, days);
    }
  }

  /** Files and parsed certificates of one chain. */
  public record Chain(Path dir, Path rootCert, Path intermediateCert, Path leafCert, Path leafKey,
      Path fullChain, X509Certificate root, X509Certificate intermediate, X509Certificate leaf) {
    /** The leaf's private key (PKCS#8), for a JDK server. */
    public PrivateKey leafPrivateKey() {
      return privateKey(leafKey, leaf.getPublicKey().getAlgorithm());
    }

    /**
     * A PKCS12 key store for the JDK's {@code SSLEngine} or {@code SSLServerSocket}: alias {@code server}, the
     * leaf key with the chain as servers send it (leaf, intermediate).
     */
    public KeyStore serverKeyStore(String password) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", leafPrivateKey(), password.toCharArray(), new Certificate[] {leaf, intermediate});
        return store;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot build the server key store", e);
      }
    }
  }

  /** One certificate with what openssl says of it: lower-case hex serial without leading zeros, SHA-256 of DER. */
  public record Issued(Path pem, X509Certificate certificate, String serialHex, String sha256) {
    public byte[] der() {
      try {
        return certificate.getEncoded();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Creates an RSA-2048 root, intermediate (serial 0x1001) and leaf (serial 0x2002, subject
   * {@code O=k8spacket tests, CN=leafCommonName}) under a fresh directory in {@code parent}.
   *
   * @param subjectAltNames entries like {@code DNS:a.example} or {@code IP:10.0.0.1}
   * @param leafDays validity of the leaf from now, in days
   */
  public static Chain create(Path parent, String leafCommonName, List<String> subjectAltNames, int leafDays) {
    return create(parent, Spec.of("/O=k8spacket tests/CN=k8spacket test root", Key.RSA_2048, 0x0101, 3650),
        Spec.of("/O=k8spacket tests/CN=k8spacket test intermediate", Key.RSA_2048, 0x1001, 1825),
        Spec.of("/O=k8spacket tests/CN=" + leafCommonName, Key.RSA_2048, 0x2002, leafDays), subjectAltNames);
  }

  /** Creates root, intermediate and leaf as specified under a fresh directory in {@code parent}. */
  public static Chain create(Path parent, Spec root, Spec intermediate, Spec leaf, List<String> leafAltNames) {
    try {
      Path dir = Files.createTempDirectory(Files.createDirectories(parent), "pki-");
      Files.writeString(dir.resolve("root.ext"), "basicConstraints=critical,CA:TRUE\n"
          + "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
      Files.writeString(dir.resolve("intermediate.ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\n"
          + "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
      Files.writeString(dir.resolve("leaf.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature"
          + (leaf.key() == Key.RSA_2048 ? ",keyEncipherment" : "") + "\nextendedKeyUsage=serverAuth\n"
          + "authorityKeyIdentifier=keyid\nsubjectAltName=" + String.join(",", leafAltNames) + "\n");
      sign(dir, "root", root, null, null);
      sign(dir, "intermediate", intermediate, "root", root.key());
      sign(dir, "leaf", leaf, "intermediate", intermediate.key());
      Path full = dir.resolve("fullchain.pem");
      Files.writeString(full, Files.readString(dir.resolve("leaf.pem"))
          + Files.readString(dir.resolve("intermediate.pem")));
      return new Chain(dir, dir.resolve("root.pem"), dir.resolve("intermediate.pem"), dir.resolve("leaf.pem"),
          dir.resolve("leaf.key"), full, read(dir.resolve("root.pem")), read(dir.resolve("intermediate.pem")),
          read(dir.resolve("leaf.pem")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A self-signed end-entity certificate (no extensions) under a fresh directory in {@code parent}. */
  public static Issued selfSigned(Path parent, Spec spec) {
    try {
      Path dir = Files.createTempDirectory(Files.createDirectories(parent), "self-");
      Files.writeString(dir.resolve("self.ext"), "basicConstraints=CA:FALSE\n");
      sign(dir, "self", spec, null, null);
      return issued(dir.resolve("self.pem"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code pem} parsed, with its serial and SHA-256 fingerprint as {@code openssl x509} prints them. */
  public static Issued issued(Path pem) {
    String text = openssl(pem.toAbsolutePath().getParent(), "x509", "-in", pem.toAbsolutePath().toString(),
        "-noout", "-serial", "-fingerprint", "-sha256");
    String serial = find(text, "serial=([0-9A-Fa-f]+)").toLowerCase(Locale.ROOT).replaceFirst("^0+(?!$)", "");
    String sha256 = find(text, "(?i)sha256 Fingerprint=([0-9A-F:]+)").replace(":", "").toLowerCase(Locale.ROOT);
    return new Issued(pem, read(pem), serial, sha256);
  }

  /** Parses one PEM certificate. */
  public static X509Certificate read(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("not a certificate: " + pem, e);
    }
  }

  /**
   * Makes {@code name.key} and {@code name.pem} with {@code openssl ca} (the only openssl 3.0 command that takes
   * an explicit notBefore), extensions from {@code name.ext}; self-signed when {@code issuer} is null.
   */
  private static void sign(Path dir, String name, Spec spec, String issuer, Key issuerKey) throws IOException {
    List<String> genpkey = new ArrayList<>(List.of("genpkey", "-algorithm", spec.key().algorithm));
    genpkey.addAll(spec.key().options);
    genpkey.addAll(List.of("-out", name + ".key"));
    openssl(dir, genpkey.toArray(String[]::new));
    openssl(dir, "req", "-new", "-key", name + ".key", "-subj", spec.subject(), "-out", name + ".csr");
    Files.writeString(dir.resolve("ca.cnf"), "[ca]\ndefault_ca = signer\n[signer]\ndatabase = index.txt\n"
        + "new_certs_dir = .\nserial = serial\npolicy = any\nunique_subject = no\n[any]\ncountryName = optional\n"
        + "stateOrProvinceName = optional\nlocalityName = optional\norganizationName = optional\n"
        + "organizationalUnitName = optional\ncommonName = optional\nemailAddress = optional\n");
    Files.writeString(dir.resolve("index.txt"), "");
    String serial = Long.toHexString(spec.serial());
    Files.writeString(dir.resolve("serial"), (serial.length() % 2 == 0 ? "" : "0") + serial + "\n");
    Instant from = spec.notBefore() != null ? spec.notBefore() : Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant to = from.plus(spec.days(), ChronoUnit.DAYS);
    List<String> ca = new ArrayList<>(List.of("ca", "-batch", "-config", "ca.cnf", "-in", name + ".csr",
        "-out", name + ".pem", "-notext", "-preserveDN", "-extfile", name + ".ext", "-startdate",
        OPENSSL_TIME.format(from), "-enddate", OPENSSL_TIME.format(to), "-md", (issuer == null ? spec.key()
        : issuerKey).digest));
    if (issuer == null) {
      ca.addAll(List.of("-selfsign", "-keyfile", name + ".key"));
    } else {
      ca.addAll(List.of("-cert", issuer + ".pem", "-keyfile", issuer + ".key"));
    }
    openssl(dir, ca.toArray(String[]::new));
  }

  private static PrivateKey privateKey(Path pem, String algorithm) {
    try {
      String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance(algorithm).generatePrivate(
          new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("not a PKCS#8 " + algorithm + " key: " + pem, e);
    }
  }

  private static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + regex + " in " + text);
    }
    return matcher.group(1);
  }

  private static String openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running openssl", e);
    }
  }
}
