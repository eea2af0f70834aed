package io.k8spacket.agent.tls;

import io.k8spacket.testsupport.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Real handshake bytes for {@link TlsParseBench}: a three-certificate RSA-2048 chain from {@link TestPki}
 * (openssl), and the ClientHello and ServerHello the JDK's own {@link SSLEngine}s exchange (client offering TLS
 * 1.3 and 1.2, server speaking 1.2), captured from the wire. Written as files so that each JMH fork reads the
 * same bytes: {@code clienthello.bin} and {@code serverhello.bin} (handshake bodies, after the 4-byte message
 * header), {@code leaf.der}, {@code intermediate.der}, {@code root.der}.
 */
public final class TlsFixtures {
  private TlsFixtures() {}

  public static void write(Path dir) throws Exception {
    Files.createDirectories(dir);
    TestPki.Chain chain = TestPki.create(dir, "bench.example.test",
        List.of("DNS:bench.example.test", "DNS:*.bench.example.test", "IP:10.231.0.1"), 90);
    Files.write(dir.resolve("leaf.der"), chain.leaf().getEncoded());
    Files.write(dir.resolve("intermediate.der"), chain.intermediate().getEncoded());
    Files.write(dir.resolve("root.der"), chain.root().getEncoded());

    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore store = chain.serverKeyStore("bench");
    kmf.init(store, "bench".toCharArray());
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(kmf.getKeyManagers(), null, new SecureRandom());
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    SSLEngine client = clientContext.createSSLEngine("bench.example.test", 443);
    client.setUseClientMode(true);
    client.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    javax.net.ssl.SSLParameters params = client.getSSLParameters();
    params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
    client.setSSLParameters(params);
    SSLEngine server = serverContext.createSSLEngine();
    server.setUseClientMode(false);
    server.setEnabledProtocols(new String[] {"TLSv1.2"});

    byte[] clientFlight = wrapAll(client);
    Files.write(dir.resolve("clienthello.bin"), message(clientFlight, 1));
    ByteBuffer in = ByteBuffer.wrap(clientFlight);
    ByteBuffer sink = ByteBuffer.allocate(1 << 16);
    SSLEngineResult r = server.unwrap(in, sink);
    runTasks(server, r);
    byte[] serverFlight = wrapAll(server);
    Files.write(dir.resolve("serverhello.bin"), message(serverFlight, 2));
  }

  private static void runTasks(SSLEngine engine, SSLEngineResult r) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Everything the engine wants to send now. */
  private static byte[] wrapAll(SSLEngine engine) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer empty = ByteBuffer.allocate(0);
    for (int i = 0; i < 16; i++) {
      ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 4);
      SSLEngineResult r = engine.wrap(empty, net);
      runTasks(engine, r);
      net.flip();
      out.write(net.array(), 0, net.limit());
      if (engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP
          && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_TASK) {
        break;
      }
    }
    return out.toByteArray();
  }

  /** The body of the first handshake message of {@code type} in a flight of TLS records. */
  static byte[] message(byte[] flight, int type) {
    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    for (int at = 0; at + 5 <= flight.length; ) {
      int length = ((flight[at + 3] & 0xff) << 8) | (flight[at + 4] & 0xff);
      if (flight[at] == 22) {
        handshake.write(flight, at + 5, length);
      }
      at += 5 + length;
    }
    byte[] h = handshake.toByteArray();
    for (int at = 0; at + 4 <= h.length; ) {
      int length = ((h[at + 1] & 0xff) << 16) | ((h[at + 2] & 0xff) << 8) | (h[at + 3] & 0xff);
      if (h[at] == type) {
        byte[] body = new byte[length];
        System.arraycopy(h, at + 4, body, 0, length);
        return body;
      }
      at += 4 + length;
    }
    throw new IllegalStateException("no handshake message of type " + type + " in " + flight.length + " bytes");
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
