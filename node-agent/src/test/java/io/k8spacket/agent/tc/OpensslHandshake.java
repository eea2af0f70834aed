package io.k8spacket.agent.tc;

import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.tls.TestPki;
import io.k8spacket.testsupport.tls.TestPki.Key;
import io.k8spacket.testsupport.tls.TestPki.Spec;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real TLS connection between two test hosts: {@code openssl s_server -www} in one namespace, {@code openssl
 * s_client -msg} in the other, sending a request line with a marker after the handshake. The client's
 * {@code -msg} log is the oracle: it prints every record header and handshake message in both directions, so
 * the exact handshake bytes each side sent, up to its first record of another type, can be rebuilt from it.
 *
 * @param clientToServer the client's handshake records, byte for byte, up to its first non-handshake record
 * @param serverToClient the server's handshake records, likewise
 */
public record OpensslHandshake(byte[] clientToServer, byte[] serverToClient) {
  /** Subject CN of the servers' leaf; also its first SAN. */
  public static final String SERVER_NAME = "server.k8sp.test";
  /** The second DNS SAN of the leaf. */
  public static final String ALT_NAME = "alt.k8sp.test";
  private static final long TIMEOUT_S = 30;

  /**
   * The servers' PKI under {@code parent}: root, intermediate and leaf all EC P-256 (the TLS 1.2 ECDSA suites
   * need an EC leaf), serials 1, 2, 3, leaf SANs {@link #SERVER_NAME}, {@link #ALT_NAME} and 10.231.0.1; as
   * {@code s_server -cert_chain} sends it the chain is leaf then intermediate.
   */
  public static TestPki.Chain pki(Path parent) {
    return TestPki.create(parent, Spec.of("/CN=k8spacket test root", Key.EC_P256, 1, 30),
        Spec.of("/CN=k8spacket test intermediate", Key.EC_P256, 2, 20),
        Spec.of("/CN=" + SERVER_NAME, Key.EC_P256, 3, 10),
        List.of("DNS:" + SERVER_NAME, "DNS:" + ALT_NAME, "IP:10.231.0.1"));
  }

  /**
   * Runs one handshake and request. {@code version} is {@code 1.2}, {@code 1.3} or {@code any} (both offered);
   * {@code clientArgs} are extra s_client options (ciphers, groups).
   */
  public static OpensslHandshake run(TestPki.Chain pki, TestHost server, InetAddress serverAddress, int port,
      TestHost client, String version, String request, Path msgFile, List<String> clientArgs) throws Exception {
    boolean v4 = serverAddress instanceof Inet4Address;
    String host = v4 ? serverAddress.getHostAddress() : "[" + serverAddress.getHostAddress() + "]";
    Process s = server.command("openssl", "s_server", v4 ? "-4" : "-6", "-accept", host + ":" + port,
        "-naccept", "1", "-www", "-cert", pki.leafCert().toString(), "-key", pki.leafKey().toString(),
        "-cert_chain", pki.intermediateCert().toString()).redirectErrorStream(true).start();
    try {
      awaitAccept(s);
      List<String> command = new ArrayList<>(List.of("openssl", "s_client", v4 ? "-4" : "-6", "-connect",
          host + ":" + port, "-servername", SERVER_NAME, "-CAfile", pki.rootCert().toString(),
          "-verify_return_error", "-ign_eof", "-msg", "-msgfile", msgFile.toString()));
      if (!version.equals("any")) {
        command.add("-tls" + version.replace('.', '_'));
      }
      command.addAll(clientArgs);
      Process c = client.command(command.toArray(String[]::new)).redirectErrorStream(true).start();
      try (OutputStream in = c.getOutputStream()) {
        in.write(request.getBytes(StandardCharsets.US_ASCII));
      }
      byte[] out = c.getInputStream().readAllBytes();
      if (!c.waitFor(TIMEOUT_S, TimeUnit.SECONDS) || c.exitValue() != 0) {
        c.destroyForcibly();
        throw new IllegalStateException("s_client failed: " + new String(out, StandardCharsets.UTF_8));
      }
      if (!s.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new IllegalStateException("s_server did not exit after its one connection");
      }
      return new OpensslHandshake(handshakeBytes(msgFile, ">>> "), handshakeBytes(msgFile, "<<< "));
    } finally {
      s.destroyForcibly();
    }
  }

  private static void awaitAccept(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.equals("ACCEPT")) {
        Thread drain = new Thread(() -> {
          try {
            server.getInputStream().transferTo(OutputStream.nullOutputStream());
          } catch (IOException ignored) {
            // the server exited
          }
        }, "s_server-output");
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new IllegalStateException("s_server exited before listening: " + seen);
  }

  /**
   * Rebuilds one direction's wire bytes from an {@code -msg} log: each {@code RecordHeader} item is the 5 bytes
   * of a header, each {@code Handshake} item the bytes of one handshake message inside the current record; the
   * first header of another content type ends the handshake part.
   */
  static byte[] handshakeBytes(Path msgFile, String direction) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    String item = null;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> lines = new ArrayList<>(Files.readAllLines(msgFile, StandardCharsets.US_ASCII));
    lines.add(">>> end");
    for (String line : lines) {
      if (line.startsWith(">>> ") || line.startsWith("<<< ")) {
        if (item != null && item.startsWith(direction)) {
          byte[] b = bytes.toByteArray();
          if (item.contains("RecordHeader")) {
            if (b.length != 5) {
              throw new IllegalStateException("record header of " + b.length + " bytes: " + item);
            }
            if (b[0] != 0x16) {
              return wire.toByteArray();
            }
            wire.write(b);
          } else if (item.contains("Handshake")) {
            wire.write(b);
          }
        }
        item = line;
        bytes.reset();
      } else if (item != null && line.startsWith("    ")) {
        for (String hex : line.trim().split("\\s+")) {
          bytes.write(Integer.parseInt(hex, 16));
        }
      }
    }
    return wire.toByteArray();
  }
}
