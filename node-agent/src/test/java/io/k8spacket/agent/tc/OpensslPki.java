package io.k8spacket.agent.tc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the openssl command line: a root CA, an intermediate CA and a server leaf (all EC
 * P-256, fixed serials), for real TLS handshakes in tests. The leaf's SANs are given; its chain as sent by
 * {@code s_server -cert_chain} is leaf then intermediate.
 */
public final class OpensslPki {
  /** Subject CN of the leaf; also its first SAN. */
  public static final String SERVER_NAME = "server.k8sp.test";
  /** The second DNS SAN of the leaf. */
  public static final String ALT_NAME = "alt.k8sp.test";

  private final Path dir;

  private OpensslPki(Path dir) {
    this.dir = dir;
  }

  /** Generates the three certificates into {@code dir} (created; old files overwritten). */
  public static OpensslPki create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String ec = "ec_paramgen_curve:P-256";
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key", "-out",
        "ca.crt", "-subj", "/CN=k8spacket test root", "-days", "30", "-set_serial", "1",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    Files.writeString(dir.resolve("int.ext"),
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n");
    run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "int.key", "-out", "int.csr",
        "-subj", "/CN=k8spacket test intermediate");
    run(dir, "openssl", "x509", "-req", "-in", "int.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "2",
        "-out", "int.crt", "-days", "20", "-extfile", "int.ext");
    Files.writeString(dir.resolve("leaf.ext"), "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        + "subjectAltName=DNS:" + SERVER_NAME + ",DNS:" + ALT_NAME + ",IP:10.231.0.1\n");
    run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "leaf.key", "-out",
        "leaf.csr", "-subj", "/CN=" + SERVER_NAME);
    run(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "int.crt", "-CAkey", "int.key", "-set_serial",
        "3", "-out", "leaf.crt", "-days", "10", "-extfile", "leaf.ext");
    return new OpensslPki(dir);
  }

  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  public Path intermediateCert() {
    return dir.resolve("int.crt");
  }

  public Path leafCert() {
    return dir.resolve("leaf.crt");
  }

  public Path leafKey() {
    return dir.resolve("leaf.key");
  }

  /** The leaf as Java parses it (for exact notAfter, SANs, serial). */
  public X509Certificate leaf() throws Exception {
    return parse(leafCert());
  }

  /** The intermediate as Java parses it. */
  public X509Certificate intermediate() throws Exception {
    return parse(intermediateCert());
  }

  private static X509Certificate parse(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
