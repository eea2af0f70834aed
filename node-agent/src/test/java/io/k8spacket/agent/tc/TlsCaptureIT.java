package io.k8spacket.agent.tc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.Resources;
import io.k8spacket.agent.bpf.BundledLibBpf;
import io.k8spacket.agent.bpf.RingBufferReader;
import io.k8spacket.agent.bpf.TlsProbe;
import io.k8spacket.agent.event.BootClock;
import io.k8spacket.agent.event.TlsChunk;
import io.k8spacket.agent.event.TlsChunkDecoder;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real TLS capture programs on the host-side veths of two pod-like test hosts, read through the real ring
 * reader, against real openssl handshakes and against hand-made record streams cut at chosen places. What the
 * kernel copied, put together by sequence number, must be exactly the handshake bytes each peer sent up to its
 * first record of another type, and no byte of application data may ever appear in a chunk.
 */
class TlsCaptureIT {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCaptureIT.class);
  private static final int NETWORK = 60;
  private static final String MARKER = "MARKER-7f3a9c-application-data";
  private static TestNetwork net;
  private static TestPki.Chain pki;
  private static TlsProbe probe;
  private static InterfaceFollower follower;
  private static RingBufferReader ring;
  private static final TlsChunkDecoder DECODER = new TlsChunkDecoder(BootClock.system());
  private static final List<TlsChunk> CHUNKS = new ArrayList<>();

  @BeforeAll
  static void attach() throws Exception {
    TestNetwork.assumeRoot("loads TC programs and creates network namespaces");
    net = TestNetwork.createBridged(NETWORK, 2);
    pki = OpensslHandshake.pki(Path.of("target", "tls-capture-it", "pki"));
    probe = TlsProbe.load(new TlsProbe.Options(1 << 22, 1024, 65536));
    ring = new RingBufferReader(probe.ringFd(), probe.ringBytes());
    TcAttacher attacher = new AutoAttacher(new TcxAttacher(BundledLibBpf.get(), probe::programFd),
        new ClsactAttacher(BundledLibBpf.get(), probe::programFd));
    follower = new InterfaceFollower(new SysfsInterfaces(SysfsInterfaces.SYS_CLASS_NET),
        Pattern.compile("^" + net.rootInterfacePrefix()), attacher).start(Duration.ofSeconds(1));
    assertThat(follower.attachedNames()).containsExactlyInAnyOrder(net.rootInterface(1), net.rootInterface(2));
  }

  @AfterAll
  static void detach() throws Exception {
    Resources.closeAll(follower, ring, probe, net);
  }


  @ParameterizedTest(name = "TLS {0} over {1}")
  @CsvSource({"1.2, IPV4, 14412", "1.3, IPV4, 14413", "1.2, IPV6, 16412", "1.3, IPV6, 16413"})
  void an_openssl_handshake_is_captured_byte_for_byte_and_nothing_after_it(String version, String family,
      int port) throws Exception {
    TestHost client = net.host(1);
    TestHost server = net.host(2);
    InetAddress address = family.equals("IPV4") ? server.ipv4() : server.ipv6();
    Path msg = Path.of("target", "tls-capture-it", "msg-" + version + "-" + family + ".txt").toAbsolutePath();

    OpensslHandshake peers = OpensslHandshake.run(pki, server, address, port, client, version,
        "GET /" + MARKER + " HTTP/1.0\r\n\r\n", msg, List.of());

    Predicate<TlsChunk> toServer = c -> c.dst().equals(address) && c.dstPort() == port;
    Predicate<TlsChunk> fromServer = c -> c.src().equals(address) && c.srcPort() == port;
    await().atMost(Duration.ofSeconds(10)).alias("both directions captured").until(() ->
        Arrays.equals(stream(chunks(toServer)), peers.clientToServer())
            && Arrays.equals(stream(chunks(fromServer)), peers.serverToClient()));
    LOG.info("TLS {} {}: {} + {} handshake bytes captured in {} + {} chunks", version, family,
        peers.clientToServer().length, peers.serverToClient().length, chunks(toServer).size(),
        chunks(fromServer).size());
    assertThat(peers.clientToServer()[5]).as("ClientHello").isEqualTo((byte) 1);
    assertThat(peers.serverToClient()[5]).as("ServerHello").isEqualTo((byte) 2);
    assertThat(recordsLength(peers.serverToClient())).isEqualTo(peers.serverToClient().length);
    if (version.equals("1.2")) {
      // the chain is in the clear in TLS 1.2: the leaf's DER is somewhere in the server's bytes
      assertThat(indexOf(peers.serverToClient(), pki.leaf().getEncoded())).isPositive();
    }
    assertThat(chunks(toServer).get(0).start()).isTrue();
    assertNoApplicationData();
  }

  @ParameterizedTest(name = "second header cut after {0} byte(s)")
  @CsvSource({"1", "2", "3", "4"})
  void records_cut_anywhere_across_segments_are_followed_to_the_first_non_handshake_record(int cut)
      throws Exception {
    byte[] hello = record(0x16, 0x0301, 1, 300);
    byte[] certificate = record(0x16, 0x0303, 11, 2000);
    byte[] ccs = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    byte[] data = record(0x17, 0x0303, 0, 0);
    data = concat(Arrays.copyOf(data, 5), MARKER.getBytes(StandardCharsets.US_ASCII));
    data[3] = 0;
    data[4] = (byte) MARKER.length();
    // segments: hello in two, the certificate's header cut after `cut` bytes, its body, then the CCS's
    // first byte alone, then the rest with application data
    byte[] all = concat(hello, certificate, ccs, data);
    int helloCut = 100;
    int headerAt = hello.length;
    int bodyAt = hello.length + 5;
    int ccsAt = hello.length + certificate.length;
    int[] cuts = {0, helloCut, headerAt + cut, bodyAt + 700, ccsAt + 1, all.length};
    int[] captured = {helloCut, headerAt + cut, bodyAt + 700, ccsAt, -1}; // the CCS byte is never copied

    int port = 17000 + cut;
    InetSocketAddress from = send(net.host(1), net.host(2), port, all, cuts, captured);

    Predicate<TlsChunk> flow = c -> c.dstPort() == port && c.srcPort() == from.getPort();
    byte[] expected = concat(hello, certificate);
    await().atMost(Duration.ofSeconds(10)).alias("handshake records captured")
        .until(() -> Arrays.equals(stream(chunks(flow)), expected));
    assertNoApplicationData();
    assertThat(chunks(flow)).allSatisfy(c -> assertThat(c.src()).isEqualTo(net.host(1).ipv4()));
  }

  @Test
  void a_connection_that_does_not_start_with_a_hello_is_never_captured() throws Exception {
    byte[] http = ("GET /" + MARKER + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    int port = 17100;
    InetSocketAddress from = send(net.host(1), net.host(2), port, http, new int[] {0, http.length}, new int[] {-1});
    // a hello afterwards on another connection is captured: by then the HTTP packets were looked at too
    byte[] hello = record(0x16, 0x0303, 1, 64);
    InetSocketAddress later = send(net.host(1), net.host(2), port + 1, hello, new int[] {0, hello.length},
        new int[] {-1});
    await().atMost(Duration.ofSeconds(10))
        .until(() -> Arrays.equals(stream(chunks(c -> c.srcPort() == later.getPort())), hello));

    assertThat(chunks(c -> c.srcPort() == from.getPort() || c.dstPort() == port)).isEmpty();
    assertNoApplicationData();
  }

  @Test
  void counters_count_flows_and_chunks_without_drops() {
    assertThat(probe.counters().get(TlsProbe.PACKETS)).isPositive();
    assertThat(probe.counters().get(TlsProbe.FLOWS)).isPositive();
    assertThat(probe.counters().get(TlsProbe.CHUNKS)).isPositive();
    assertThat(probe.counters().get(TlsProbe.RINGBUF_DROPS)).isZero();
  }

  private static void assertNoApplicationData() {
    byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
    assertThat(chunks(c -> true)).allSatisfy(c ->
        assertThat(indexOf(c.payload(), marker)).as("marker in chunk %s", c).isEqualTo(-1));
  }

  /**
   * Connects from {@code client} to a fresh listener on {@code server}'s IPv4 address and writes {@code bytes}
   * as separate segments cut at {@code cuts}: no Nagle, and after part i the next write waits until the
   * captured stream is {@code captured[i]} bytes long (-1: no wait), so no two parts can share a segment. The
   * server reads everything.
   */
  private static InetSocketAddress send(TestHost client, TestHost server, int port, byte[] bytes, int[] cuts,
      int[] captured) throws Exception {
    InetAddress address = server.ipv4();
    ServerSocketChannel listener = server.call(() -> {
      ServerSocketChannel l = ServerSocketChannel.open();
      l.bind(new InetSocketAddress(address, port));
      return l;
    });
    Future<Integer> reader = server.submit(() -> {
      try (listener; SocketChannel s = listener.accept()) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 1);
        while (s.read(buffer) >= 0) {
          // until the client closes
        }
        return buffer.position();
      }
    });
    InetSocketAddress local = client.call(() -> {
      try (SocketChannel c = SocketChannel.open()) {
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.bind(new InetSocketAddress(client.ipv4(), 0));
        c.connect(new InetSocketAddress(address, port));
        InetSocketAddress me = (InetSocketAddress) c.getLocalAddress();
        for (int i = 0; i + 1 < cuts.length; i++) {
          ByteBuffer part = ByteBuffer.wrap(bytes, cuts[i], cuts[i + 1] - cuts[i]);
          while (part.hasRemaining()) {
            c.write(part);
          }
          int expected = captured[i];
          if (expected >= 0) {
            await().atMost(Duration.ofSeconds(5)).alias("part " + i + " captured")
                .until(() -> stream(chunks(k -> k.srcPort() == me.getPort())).length == expected);
          }
        }
        return me;
      }
    });
    assertThat(reader.get()).isEqualTo(bytes.length);
    return local;
  }

  /** Drains the ring, then returns every chunk seen so far that matches. */
  private static synchronized List<TlsChunk> chunks(Predicate<TlsChunk> filter) {
    ring.drain((buffer, offset, length) -> CHUNKS.add(DECODER.decode(buffer, offset, length)), 100_000);
    return CHUNKS.stream().filter(filter).toList();
  }

  /**
   * The chunks of one flow direction put together by sequence number, from its start chunk: duplicates and
   * overlaps collapse, and a hole ends the stream there.
   */
  static byte[] stream(List<TlsChunk> chunks) {
    TlsChunk start = chunks.stream().filter(TlsChunk::start).findFirst().orElse(null);
    if (start == null) {
      return new byte[0];
    }
    List<TlsChunk> ordered = new ArrayList<>(chunks);
    ordered.sort(Comparator.comparingLong(c -> (c.seq() - start.seq()) & 0xffffffffL));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TlsChunk c : ordered) {
      long at = (c.seq() - start.seq()) & 0xffffffffL;
      if (at > out.size()) {
        break; // a hole
      }
      int skip = (int) (out.size() - at);
      if (skip < c.payload().length) {
        out.write(c.payload(), skip, c.payload().length - skip);
      }
    }
    return out.toByteArray();
  }

  /** The sum of 5 + length over the records of a stream that holds only whole records. */
  private static int recordsLength(byte[] stream) {
    int at = 0;
    while (at + 5 <= stream.length) {
      assertThat(stream[at]).as("record type at %d", at).isEqualTo((byte) 0x16);
      at += 5 + ((stream[at + 3] & 0xff) << 8 | (stream[at + 4] & 0xff));
    }
    return at;
  }

  /** A TLS record of {@code type} whose body is a handshake message of {@code hsType} with {@code body} bytes. */
  private static byte[] record(int type, int version, int hsType, int body) {
    int length = body == 0 && type != 0x16 ? 0 : 4 + body;
    byte[] r = new byte[5 + length];
    r[0] = (byte) type;
    r[1] = (byte) (version >> 8);
    r[2] = (byte) version;
    r[3] = (byte) (length >> 8);
    r[4] = (byte) length;
    if (length > 0) {
      r[5] = (byte) hsType;
      r[6] = (byte) (body >> 16);
      r[7] = (byte) (body >> 8);
      r[8] = (byte) body;
      for (int i = 9; i < r.length; i++) {
        r[i] = (byte) (i * 7);
      }
    }
    return r;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    String h = HexFormat.of().formatHex(haystack);
    String n = HexFormat.of().formatHex(needle);
    for (int i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
      if (i % 2 == 0) {
        return i / 2;
      }
    }
    return -1;
  }
}
