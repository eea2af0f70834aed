package io.k8spacket.agent.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: a whole handshake's parse by the agent (ClientHello, ServerHello, and the Certificate message of a
 * three-certificate chain through {@link CertificateParser}: JDK decode, summary, SHA-256) against the JDK's
 * own {@code CertificateFactory.generateCertificates} of the same chain. In the bench module but in the
 * agent's package, to call its package-private parsers.
 *
 * <p>The JDK caches certificates by their encoding (750 entries) and the agent's parser caches summaries
 * (1024), so a fixed chain would measure cache hits: {@value #VARIANTS} distinct chains are made by rewriting
 * the last two bytes of each certificate's serial number (parsing does not check signatures) and used in turn,
 * so every parse is cold. {@link #agentRepeatedChain} is the agent's steady state for a server it has seen.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsParseBench {
  static final int VARIANTS = 2048;

  private byte[] clientHello;
  private byte[] serverHello;
  private byte[][] certificateMessages;
  private byte[][] concatenatedDer;
  private CertificateParser parser;
  private CertificateParser repeatParser;
  private CertificateFactory factory;
  private int next;

  @Setup
  public void setUp() throws Exception {
    Path dir = Path.of(System.getProperty("bench.tls.fixtures", "bench/target/work/tls"));
    clientHello = Files.readAllBytes(dir.resolve("clienthello.bin"));
    serverHello = Files.readAllBytes(dir.resolve("serverhello.bin"));
    byte[][] ders = {Files.readAllBytes(dir.resolve("leaf.der")), Files.readAllBytes(dir.resolve("intermediate.der")),
        Files.readAllBytes(dir.resolve("root.der"))};
    certificateMessages = new byte[VARIANTS][];
    concatenatedDer = new byte[VARIANTS][];
    for (int v = 0; v < VARIANTS; v++) {
      ByteArrayOutputStream list = new ByteArrayOutputStream();
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      for (byte[] der : ders) {
        byte[] variant = withSerialSuffix(der, v);
        u24(list, variant.length);
        list.write(variant);
        plain.write(variant);
      }
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      u24(message, list.size());
      list.writeTo(message);
      certificateMessages[v] = message.toByteArray();
      concatenatedDer[v] = plain.toByteArray();
    }
    parser = new CertificateParser();
    repeatParser = new CertificateParser();
    factory = CertificateFactory.getInstance("X.509");
    // the fixtures must parse, or the benchmark measures error paths
    if (parser.parseMessage(certificateMessages[1], 0, certificateMessages[1].length).certificates().size() != 3
        || ClientHelloParser.parse(clientHello, 0, clientHello.length).cipherSuites().isEmpty()) {
      throw new IllegalStateException("fixtures do not parse as a 3-certificate chain and a ClientHello");
    }
    ServerHelloParser.parse(serverHello, 0, serverHello.length);
  }

  /** The agent's parse of a handshake it has not seen the chain of. */
  @Benchmark
  public void agentHandshake(Blackhole bh) throws Exception {
    int v = next++ & (VARIANTS - 1);
    bh.consume(ClientHelloParser.parse(clientHello, 0, clientHello.length));
    bh.consume(ServerHelloParser.parse(serverHello, 0, serverHello.length));
    bh.consume(parser.parseMessage(certificateMessages[v], 0, certificateMessages[v].length));
  }

  /** The same with the chain it saw last time (summary cache hit after the SHA-256). */
  @Benchmark
  public void agentRepeatedChain(Blackhole bh) throws Exception {
    bh.consume(ClientHelloParser.parse(clientHello, 0, clientHello.length));
    bh.consume(ServerHelloParser.parse(serverHello, 0, serverHello.length));
    bh.consume(repeatParser.parseMessage(certificateMessages[0], 0, certificateMessages[0].length));
  }

  /** Baseline: the JDK decoding the same chain, nothing else. */
  @Benchmark
  public void jdkGenerateCertificates(Blackhole bh) throws Exception {
    int v = next++ & (VARIANTS - 1);
    bh.consume(factory.generateCertificates(new ByteArrayInputStream(concatenatedDer[v])));
  }

  private static void u24(ByteArrayOutputStream out, int value) {
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  /**
   * {@code der} with the last two bytes of its serial number replaced by {@code v}: Certificate = SEQUENCE {
   * tbsCertificate SEQUENCE { [0] version, INTEGER serial, ... } ... }.
   */
  static byte[] withSerialSuffix(byte[] der, int v) {
    byte[] copy = der.clone();
    int at = headerEnd(copy, 0);          // inside Certificate
    at = headerEnd(copy, at);             // inside tbsCertificate
    if ((copy[at] & 0xff) == 0xa0) {      // [0] EXPLICIT version
      at = headerEnd(copy, at) + contentLength(copy, at);
    }
    if (copy[at] != 0x02) {
      throw new IllegalStateException("no serial INTEGER at " + at);
    }
    int end = headerEnd(copy, at) + contentLength(copy, at);
    copy[end - 2] = (byte) (v >>> 8);
    copy[end - 1] = (byte) v;
    return copy;
  }

  private static int headerEnd(byte[] b, int at) {
    int first = b[at + 1] & 0xff;
    return at + 2 + (first < 0x80 ? 0 : first & 0x7f);
  }

  private static int contentLength(byte[] b, int at) {
    int first = b[at + 1] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int n = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      n = (n << 8) | (b[at + 2 + i] & 0xff);
    }
    return n;
  }
}
