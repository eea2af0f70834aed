package io.k8spacket.standalone.demo;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The demo's certificate authority, made with the {@code openssl} CLI at start (EC P-256, fast): a root, an
 * issuing intermediate, and leaves with chosen names and lifetimes, so the TLS tables show real chains, one of
 * them about to expire. Servers get a JDK {@link SSLContext} that sends leaf and intermediate; clients trust
 * the root.
 */
final class DemoPki {
  private static final String PASSWORD = "k8spacket-demo";

  /** A server's leaf certificate and the TLS context that presents it with its chain. */
  record ServerIdentity(X509Certificate leaf, SSLContext context) {}

  private final Path dir;
  private final X509Certificate intermediate;
  private final SSLContext clientContext;
  private int serial = 0x2001;

  private DemoPki(Path dir, X509Certificate root, X509Certificate intermediate) {
    this.dir = dir;
    this.intermediate = intermediate;
    this.clientContext = clientContext(root);
  }

  /** Makes the root and the intermediate in {@code dir} (created if needed). */
  static DemoPki create(Path dir) {
    try {
      Files.createDirectories(dir);
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", "root.key", "-out", "root.pem", "-sha256", "-days", "3650", "-set_serial", "0x0101",
          "-subj", "/O=k8spacket demo/CN=k8spacket demo root CA",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
      Files.writeString(dir.resolve("intermediate.ext"), "basicConstraints=critical,CA:TRUE,pathlen:0\n"
          + "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
      sign(dir, "intermediate", "/O=k8spacket demo/CN=k8spacket demo issuing CA", "root", 0x1001, 1825);
      return new DemoPki(dir, read(dir.resolve("root.pem")), read(dir.resolve("intermediate.pem")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Issues a leaf for {@code commonName} valid from now for {@code days}, with these subject alternative names
   * ({@code DNS:…}, {@code IP:…}).
   */
  synchronized ServerIdentity issue(String name, String commonName, List<String> altNames, int days) {
    try {
      Files.writeString(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n"
          + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n"
          + "subjectAltName=" + String.join(",", altNames) + "\n");
      sign(dir, name, "/O=k8spacket demo/CN=" + commonName, "intermediate", serial++, days);
      X509Certificate leaf = read(dir.resolve(name + ".pem"));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", privateKey(dir.resolve(name + ".key")), PASSWORD.toCharArray(),
          new Certificate[] {leaf, intermediate});
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return new ServerIdentity(leaf, context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the TLS context of " + name, e);
    }
  }

  /** A client context that trusts the demo root (and nothing else). */
  SSLContext clientContext() {
    return clientContext;
  }

  private static SSLContext clientContext(X509Certificate root) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", root);
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the demo's client TLS context", e);
    }
  }

  /** Makes {@code name.key} and {@code name.pem} signed by {@code issuer}, extensions from {@code name.ext}. */
  private static void sign(Path dir, String name, String subject, String issuer, int serial, int days) {
    openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
        "-set_serial", "0x" + Integer.toHexString(serial), "-days", String.valueOf(days), "-sha256",
        "-extfile", name + ".ext", "-out", name + ".pem");
  }

  private static X509Certificate read(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("not a certificate: " + pem, e);
    }
  }

  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (apt-get install openssl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running openssl", e);
    }
  }
}
