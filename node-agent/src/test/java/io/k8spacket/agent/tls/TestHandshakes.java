package io.k8spacket.agent.tls;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real handshakes recorded from the JDK's own TLS: a client and a server {@link SSLEngine} talk in memory and
 * every byte each one wraps is kept, so the streams are exactly what would cross the wire. The client's groups
 * and signature schemes are pinned with the JDK's system properties (read once, before the first handshake in
 * this JVM), its suites, versions, SNI and ALPN with {@link SSLParameters}.
 */
final class TestHandshakes {
  static final String SNI = "demo.example.test";
  static final List<String> ALPN = List.of("h2", "http/1.1");
  /** x25519, secp256r1, secp384r1, ffdhe2048. */
  static final List<Integer> GROUPS = List.of(0x001d, 0x0017, 0x0018, 0x0100);
  /** ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ecdsa_secp384r1_sha384, rsa_pkcs1_sha256. */
  static final List<Integer> SIGNATURE_SCHEMES = List.of(0x0403, 0x0804, 0x0503, 0x0401);

  static final List<String> TLS12_CLIENT_SUITES = List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  static final List<Integer> TLS12_CLIENT_SUITE_CODES = List.of(0xc02c, 0xc02b, 0xcca9, 0xc02f, 0x00ff);
  static final String TLS12_SERVER_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
  static final int TLS12_SERVER_SUITE_CODE = 0xc02b;

  static final List<String> TLS13_CLIENT_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256");
  static final List<Integer> TLS13_CLIENT_SUITE_CODES = List.of(0x1301, 0x1302, 0x1303);
  static final String TLS13_SERVER_SUITE = "TLS_AES_256_GCM_SHA384";
  static final int TLS13_SERVER_SUITE_CODE = 0x1302;

  static {
    System.setProperty("jdk.tls.namedGroups", "x25519,secp256r1,secp384r1,ffdhe2048");
    System.setProperty("jdk.tls.client.SignatureSchemes",
        "ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256,ecdsa_secp384r1_sha384,rsa_pkcs1_sha256");
  }

  /**
   * Sets the properties above (by initialising this class). The JDK reads them once, at its first TLS use in the
   * JVM, so every test class here that touches TLS calls this from a static initialiser, whatever the run order.
   */
  static void pinJdkTlsDefaults() {
    // the static initialiser did the work
  }

  /** Both directions' bytes, in the order each side sent them. */
  record Recorded(byte[] client, byte[] server) {}

  private static Recorded tls12;
  private static Recorded tls13;

  private TestHandshakes() {}

  static synchronized Recorded tls12() {
    if (tls12 == null) {
      tls12 = record("TLSv1.2", TLS12_CLIENT_SUITES, TLS12_SERVER_SUITE);
    }
    return tls12;
  }

  static synchronized Recorded tls13() {
    if (tls13 == null) {
      tls13 = record("TLSv1.3", TLS13_CLIENT_SUITES, TLS13_SERVER_SUITE);
    }
    return tls13;
  }

  /** The server context of the test chain, for socket tests. */
  static SSLContext serverContext() throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
    keys.init(DemoPki.get().serverKeyStore(), DemoPki.PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  static SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", DemoPki.get().root.certificate());
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }

  private static Recorded record(String protocol, List<String> clientSuites, String serverSuite) {
    try {
      SSLEngine client = clientContext().createSSLEngine(SNI, 443);
      client.setUseClientMode(true);
      SSLParameters clientParameters = client.getSSLParameters();
      clientParameters.setProtocols(new String[] {protocol});
      clientParameters.setCipherSuites(clientSuites.toArray(String[]::new));
      clientParameters.setServerNames(List.of(new SNIHostName(SNI)));
      clientParameters.setApplicationProtocols(ALPN.toArray(String[]::new));
      client.setSSLParameters(clientParameters);

      SSLEngine server = serverContext().createSSLEngine();
      server.setUseClientMode(false);
      SSLParameters serverParameters = server.getSSLParameters();
      serverParameters.setProtocols(new String[] {protocol});
      serverParameters.setCipherSuites(new String[] {serverSuite});
      serverParameters.setApplicationProtocols(new String[] {"h2"});
      server.setSSLParameters(serverParameters);

      ByteArrayOutputStream clientBytes = new ByteArrayOutputStream();
      ByteArrayOutputStream serverBytes = new ByteArrayOutputStream();
      ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
      ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
      client.beginHandshake();
      server.beginHandshake();
      for (int round = 0; round < 200 && !(idle(client) && idle(server)); round++) {
        while (step(client, toServer, toClient, clientBytes)) {
          // until it waits for the peer
        }
        while (step(server, toClient, toServer, serverBytes)) {
          // until it waits for the peer
        }
      }
      if (!idle(client) || !idle(server)) {
        throw new IllegalStateException("handshake did not finish");
      }
      return new Recorded(clientBytes.toByteArray(), serverBytes.toByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean idle(SSLEngine engine) {
    HandshakeStatus status = engine.getHandshakeStatus();
    return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
  }

  private static boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteArrayOutputStream record)
      throws Exception {
    switch (engine.getHandshakeStatus()) {
      case NEED_WRAP -> {
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 4);
        SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), net);
        net.flip();
        byte[] bytes = new byte[net.remaining()];
        net.get(bytes);
        record.write(bytes);
        out.put(bytes);
        return result.bytesProduced() > 0 || result.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
      }
      case NEED_UNWRAP -> {
        in.flip();
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        SSLEngineResult result = engine.unwrap(in, app);
        in.compact();
        return result.getStatus() == SSLEngineResult.Status.OK;
      }
      case NEED_TASK -> {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
          task.run();
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** The prefix the kernel copies: every record up to and including the first non-handshake record's header. */
  static byte[] kernelView(byte[] stream) {
    int position = 0;
    while (position + 5 <= stream.length) {
      int type = stream[position] & 0xff;
      int length = (stream[position + 3] & 0xff) << 8 | (stream[position + 4] & 0xff);
      if (type != TlsCodes.RECORD_HANDSHAKE) {
        return Arrays.copyOf(stream, Math.min(stream.length, position + 5 + length));
      }
      position += 5 + length;
    }
    return stream;
  }

  /** The handshake messages of the leading handshake records, de-framed. */
  static byte[] handshakeBytes(byte[] stream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int position = 0;
    while (position + 5 <= stream.length && stream[position] == TlsCodes.RECORD_HANDSHAKE) {
      int length = (stream[position + 3] & 0xff) << 8 | (stream[position + 4] & 0xff);
      out.write(stream, position + 5, length);
      position += 5 + length;
    }
    return out.toByteArray();
  }

  /** The first handshake message of {@code type} in the leading handshake records: {@code [type, len24, body]}. */
  static byte[] message(byte[] stream, int type) {
    byte[] messages = handshakeBytes(stream);
    int position = 0;
    while (position + 4 <= messages.length) {
      int length = (messages[position + 1] & 0xff) << 16 | (messages[position + 2] & 0xff) << 8
          | (messages[position + 3] & 0xff);
      if ((messages[position] & 0xff) == type) {
        return Arrays.copyOfRange(messages, position, position + 4 + length);
      }
      position += 4 + length;
    }
    throw new IllegalArgumentException("no handshake message of type " + type);
  }

  /**
   * The same stream with its leading handshake messages re-framed into records of at most {@code fragment}
   * bytes (1 splits every message over many records; 16384 puts several messages in one record); the rest of the
   * stream follows unchanged.
   */
  static byte[] reframe(byte[] stream, int fragment) {
    int position = 0;
    while (position + 5 <= stream.length && stream[position] == TlsCodes.RECORD_HANDSHAKE) {
      position += 5 + ((stream[position + 3] & 0xff) << 8 | (stream[position + 4] & 0xff));
    }
    byte[] messages = handshakeBytes(stream);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0; offset < messages.length; offset += fragment) {
      int length = Math.min(fragment, messages.length - offset);
      out.write(new byte[] {TlsCodes.RECORD_HANDSHAKE, 3, 3, (byte) (length >> 8), (byte) length}, 0, 5);
      out.write(messages, offset, length);
    }
    out.write(stream, position, stream.length - position);
    return out.toByteArray();
  }
}
