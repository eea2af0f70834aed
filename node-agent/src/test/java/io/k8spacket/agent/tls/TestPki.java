package io.k8spacket.agent.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain made once per JVM with {@code keytool} (root EC P-384 → intermediate RSA-2048 → leaf EC
 * P-256 with known SANs and validity, plus a self-signed Ed25519 certificate). Serials are random, so the expected
 * serial and SHA-256 of each certificate are read from {@code keytool -printcert}, not from our parser's JDK path.
 */
final class TestPki {
  static final String PASSWORD = "changeit";
  static final String LEAF_SUBJECT = "CN=demo.example.test,OU=Tests,O=k8spacket,C=DE";
  static final String INTERMEDIATE_SUBJECT = "CN=k8spacket Test Intermediate,O=k8spacket";
  static final String ROOT_SUBJECT = "CN=k8spacket Test Root,O=k8spacket";
  static final List<String> LEAF_SANS = List.of("DNS:demo.example.test", "DNS:*.demo.example.test", "IP:10.1.2.3",
      "IP:fd00::1", "URI:https://demo.example.test/", "email:ops@example.test");
  static final Instant LEAF_NOT_BEFORE = Instant.parse("2025-03-01T12:00:00Z");
  static final Instant LEAF_NOT_AFTER = LEAF_NOT_BEFORE.plusSeconds(3653L * 86_400);
  static final Instant INTERMEDIATE_NOT_BEFORE = Instant.parse("2025-02-01T00:00:00Z");
  static final Instant INTERMEDIATE_NOT_AFTER = INTERMEDIATE_NOT_BEFORE.plusSeconds(5000L * 86_400);

  /** A certificate and what keytool says about it. */
  record Issued(X509Certificate certificate, byte[] der, String serialHex, String sha256) {}

  private static TestPki instance;

  final Issued leaf;
  final Issued intermediate;
  final Issued root;
  final Issued ed25519;
  final PrivateKey leafKey;

  private TestPki(Path dir) throws Exception {
    keytool(dir, "-genkeypair", "-alias", "root", "-keyalg", "EC", "-groupname", "secp384r1", "-dname",
        ROOT_SUBJECT, "-ext", "bc:c", "-startdate", "2025/01/01 00:00:00", "-validity", "7300");
    keytool(dir, "-genkeypair", "-alias", "inter", "-keyalg", "RSA", "-keysize", "2048", "-dname",
        INTERMEDIATE_SUBJECT);
    keytool(dir, "-genkeypair", "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=demo.example.test,OU=Tests,O=k8spacket,C=DE");
    keytool(dir, "-genkeypair", "-alias", "ed", "-keyalg", "Ed25519", "-dname", "CN=ed25519.example.test",
        "-startdate", "2025/01/01 00:00:00", "-validity", "30");
    keytool(dir, "-certreq", "-alias", "inter", "-file", "inter.csr");
    keytool(dir, "-gencert", "-alias", "root", "-infile", "inter.csr", "-outfile", "inter.crt", "-ext",
        "bc:c=ca:true,pathlen:0", "-startdate", "2025/02/01 00:00:00", "-validity", "5000");
    keytool(dir, "-certreq", "-alias", "leaf", "-file", "leaf.csr");
    keytool(dir, "-gencert", "-alias", "inter", "-infile", "leaf.csr", "-outfile", "leaf.crt", "-ext",
        "san=dns:demo.example.test,dns:*.demo.example.test,ip:10.1.2.3,ip:fd00:0:0:0:0:0:0:1,"
            + "uri:https://demo.example.test/,email:ops@example.test",
        "-startdate", "2025/03/01 12:00:00", "-validity", "3653", "-sigalg", "SHA256withRSA");
    keytool(dir, "-exportcert", "-alias", "root", "-file", "root.crt");
    keytool(dir, "-exportcert", "-alias", "ed", "-file", "ed.crt");
    leaf = issued(dir, "leaf.crt");
    intermediate = issued(dir, "inter.crt");
    root = issued(dir, "root.crt");
    ed25519 = issued(dir, "ed.crt");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve("pki.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    leafKey = (PrivateKey) store.getKey("leaf", PASSWORD.toCharArray());
  }

  static synchronized TestPki get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("k8spacket-tls-pki");
        instance = new TestPki(dir);
      } catch (Exception e) {
        throw new IllegalStateException("keytool failed", e);
      }
    }
    return instance;
  }

  /** The server's key store: the leaf key with the chain leaf, intermediate (as servers send it). */
  KeyStore serverKeyStore() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", leafKey, PASSWORD.toCharArray(),
        new java.security.cert.Certificate[] {leaf.certificate(), intermediate.certificate()});
    return store;
  }

  private static Issued issued(Path dir, String file) throws Exception {
    byte[] der = Files.readAllBytes(dir.resolve(file));
    if (der[0] != 0x30) {
      throw new IllegalStateException(file + " is not DER");
    }
    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    String text = keytool(dir, "-printcert", "-file", file);
    String serial = find(text, "Serial number: ([0-9a-fA-F]+)").toLowerCase(Locale.ROOT).replaceFirst("^0+(?!$)", "");
    String sha256 = find(text, "SHA256: ([0-9A-F:]+)").replace(":", "").toLowerCase(Locale.ROOT);
    return new Issued(certificate, der, serial, sha256);
  }

  private static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    if (!matcher.find()) {
      throw new IllegalStateException("no " + regex + " in " + text);
    }
    return matcher.group(1);
  }

  private static String keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-J-Duser.timezone=UTC", "-J-Duser.language=en"));
    command.addAll(List.of(args));
    if (!args[0].equals("-printcert")) {
      command.addAll(List.of("-keystore", "pki.p12", "-storetype", "PKCS12", "-storepass", PASSWORD));
    }
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new UncheckedIOException(new IOException("keytool " + String.join(" ", args) + ": " + output));
    }
    return output;
  }
}
