package io.k8spacket.testsupport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the {@code openssl} CLI for TLS tests: a self-signed root, an intermediate CA and a
 * leaf with the given subject alternative names, all RSA-2048, written as PEM files that {@code openssl s_server}
 * and Java can load. Tests compare what k8spacket parsed from the wire with {@link Chain#leaf()} and
 * {@link Chain#intermediate()}, read back from these files.
 *
 * <pre>{@code
 * TestPki.Chain pki = TestPki.create(Path.of("target", "pki"), "shop.example.test",
 *     List.of("DNS:shop.example.test", "IP:10.231.5.2"), 30);
 * // openssl s_server -cert pki.leafCert() -key pki.leafKey() -cert_chain pki.intermediateCert() ...
 * }</pre>
 */
public final class TestPki {
  private TestPki() {}

  /** Files and parsed certificates of one chain. */
  public record Chain(Path dir, Path rootCert, Path intermediateCert, Path leafCert, Path leafKey,
      Path fullChain, X509Certificate root, X509Certificate intermediate, X509Certificate leaf) {}

  /**
   * Creates root, intermediate and leaf under a fresh directory in {@code parent}.
   *
   * @param subjectAltNames entries like {@code DNS:a.example} or {@code IP:10.0.0.1}
   * @param leafDays validity of the leaf from now, in days
   */
  public static Chain create(Path parent, String leafCommonName, List<String> subjectAltNames, int leafDays) {
    try {
      Files.createDirectories(parent);
      Path dir = Files.createTempDirectory(parent, "pki-");
      Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\n"
          + "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
      Files.writeString(dir.resolve("leaf.ext"), "basicConstraints=CA:FALSE\n"
          + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
          + "subjectAltName=" + String.join(",", subjectAltNames) + "\n");
      openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
          "-subj", "/O=k8spacket tests/CN=k8spacket test root", "-keyout", "root.key", "-out", "root.pem",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
      openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=k8spacket tests/CN=k8spacket test intermediate",
          "-keyout", "intermediate.key", "-out", "intermediate.csr");
      openssl(dir, "x509", "-req", "-in", "intermediate.csr", "-CA", "root.pem", "-CAkey", "root.key",
          "-set_serial", "0x1001", "-days", "1825", "-sha256", "-extfile", "ca.ext", "-out", "intermediate.pem");
      openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=k8spacket tests/CN=" + leafCommonName,
          "-keyout", "leaf.key", "-out", "leaf.csr");
      openssl(dir, "x509", "-req", "-in", "leaf.csr", "-CA", "intermediate.pem", "-CAkey", "intermediate.key",
          "-set_serial", "0x2002", "-days", String.valueOf(leafDays), "-sha256", "-extfile", "leaf.ext",
          "-out", "leaf.pem");
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

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running openssl", e);
    }
  }
}
