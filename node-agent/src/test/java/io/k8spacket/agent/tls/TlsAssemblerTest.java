package io.k8spacket.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.avro.AddressFamily;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.TlsEventKind;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.agent.tls.Chunks.Side;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TlsAssemblerTest {
  static {
    TestHandshakes.pinJdkTlsDefaults();
  }

  static final long T0 = 1_750_000_000_000_000_000L;
  static final long SERVER_DELAY_NS = 1_000_000;
  static final long TIMEOUT_NS = Duration.ofSeconds(5).toNanos();
  static final Side CLIENT = new Side(ip("10.0.0.1"), 40000);
  static final Side SERVER = new Side(ip("10.0.0.2"), 443);
  static final Side CLIENT6 = new Side(ip("fd00:0:0:0:0:0:0:1"), 40000);
  static final Side SERVER6 = new Side(ip("fd00:0:0:0:0:0:0:2"), 8443);
  /** Initial sequence numbers just below 2^32, so both streams wrap inside the handshake. */
  static final long CLIENT_ISN = (1L << 32) - 100;
  static final long SERVER_ISN = (1L << 32) - 1000;

  final List<TlsHandshakeEvent> events = new ArrayList<>();

  static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  TlsAssembler assembler() {
    return new TlsAssembler(TlsAssemblerConfig.defaults(), "node-a", events::add);
  }

  static TlsAssemblerConfig config(int maxDirection, long maxTotal, int maxFlows) {
    return new TlsAssemblerConfig(maxDirection, maxTotal, maxFlows, Duration.ofSeconds(5), false,
        Duration.ofHours(1), Duration.ofSeconds(2));
  }

  /** The kernel's view of a handshake, in order, cut at 1448 bytes, client first. */
  static List<TlsSegment> inOrder(byte[] client, byte[] server, Side c, Side s) {
    List<TlsSegment> all = new ArrayList<>(Chunks.inOrder(client, CLIENT_ISN, c, s, T0, 1448));
    all.addAll(Chunks.inOrder(server, SERVER_ISN, s, c, T0 + SERVER_DELAY_NS, 1448));
    return all;
  }

  static List<TlsSegment> disordered(byte[] client, byte[] server, Side c, Side s, long seed) {
    Random random = new Random(seed);
    int maxSize = 1 + random.nextInt(random.nextBoolean() ? 64 : 1500);
    return Chunks.interleave(Chunks.disordered(client, CLIENT_ISN + seed, c, s, T0, maxSize, random),
        Chunks.disordered(server, SERVER_ISN - seed, s, c, T0 + SERVER_DELAY_NS, maxSize, random), random);
  }

  List<TlsHandshakeEvent> run(List<TlsSegment> segments) {
    events.clear();
    TlsAssembler assembler = assembler();
    segments.forEach(assembler::accept);
    assembler.expire(T0 + TIMEOUT_NS); // anything left over comes out now
    assertThat(assembler.stats().parseErrorsTotal()).as("%s", assembler.stats().parseErrors()).isZero();
    return List.copyOf(events);
  }

  @Test
  void tls12_handshake_gives_one_event_with_both_hellos_and_the_chain_leaf_first() {
    TestHandshakes.Recorded tls12 = TestHandshakes.tls12();
    TlsAssembler assembler = assembler();

    inOrder(TestHandshakes.kernelView(tls12.client()), TestHandshakes.kernelView(tls12.server()), CLIENT, SERVER)
        .forEach(assembler::accept);

    assertThat(events).hasSize(1);
    TlsHandshakeEvent event = events.get(0);
    assertThat(event.getKind()).isEqualTo(TlsEventKind.HANDSHAKE);
    assertThat(event.getFamily()).isEqualTo(AddressFamily.IPV4);
    assertThat(event.getClientIp()).isEqualTo("10.0.0.1");
    assertThat(event.getClientPort()).isEqualTo(40000);
    assertThat(event.getServerIp()).isEqualTo("10.0.0.2");
    assertThat(event.getServerPort()).isEqualTo(443);
    assertThat(event.getNode()).isEqualTo("node-a");
    assertThat(event.getObservedAtNs()).isEqualTo(T0);
    assertThat(event.getServerName()).isEqualTo("demo.example.test");
    assertThat(event.getClientHello().getServerName()).isEqualTo("demo.example.test");
    assertThat(event.getClientHello().getCipherSuites()).isEqualTo(TestHandshakes.TLS12_CLIENT_SUITE_CODES);
    assertThat(event.getClientHello().getSupportedVersions()).containsExactly(0x0303);
    assertThat(event.getClientHello().getAlpn()).containsExactly("h2", "http/1.1");
    assertThat(event.getClientHello().getSupportedGroups()).containsExactly(0x001d, 0x0017, 0x0018);
    assertThat(event.getClientHello().getSignatureAlgorithms()).isEqualTo(TestHandshakes.SIGNATURE_SCHEMES);
    assertThat(event.getClientHello().getJa4()).isEqualTo("t12d0511h2_decb61cd0ec2_016c65f31a90");
    assertThat(event.getServerHello().getLegacyVersion()).isEqualTo(0x0303);
    assertThat(event.getServerHello().getSelectedVersion()).isEqualTo(0x0303);
    assertThat(event.getServerHello().getCipherSuite()).isEqualTo(0xc02b);
    assertThat(event.getServerHello().getAlpn()).isEqualTo("h2");
    assertThat(event.getCertificateSource()).isEqualTo(CertificateSource.HANDSHAKE);
    DemoPki pki = DemoPki.get();
    assertThat(event.getCertificates()).extracting(CertificateInfo::getSha256)
        .containsExactly(pki.leaf.sha256(), pki.intermediate.sha256());
    CertificateInfo leaf = event.getCertificates().get(0);
    assertThat(leaf.getSubject()).isEqualTo(DemoPki.LEAF_SUBJECT);
    assertThat(leaf.getIssuer()).isEqualTo(DemoPki.INTERMEDIATE_SUBJECT);
    assertThat(leaf.getSubjectAltNames()).isEqualTo(DemoPki.LEAF_SANS);
    assertThat(leaf.getSerialHex()).isEqualTo(pki.leaf.serialHex());
    assertThat(leaf.getNotAfterMs()).isEqualTo(DemoPki.LEAF_NOT_AFTER.toEpochMilli());
    assertThat(leaf.getKeyType()).isEqualTo("EC");
    assertThat(leaf.getKeyBits()).isEqualTo(256);

    TlsAssemblerStats stats = assembler.stats();
    assertThat(stats.handshakesEmitted()).isEqualTo(1);
    assertThat(stats.parseErrorsTotal()).isZero();
    assertThat(stats.bytesHeld()).as("a finished connection holds no bytes").isZero();
    assertThat(stats.flows()).as("kept to absorb retransmissions").isEqualTo(1);
  }

  @Test
  void tls13_handshake_is_emitted_as_soon_as_the_server_hello_is_parsed() {
    TestHandshakes.Recorded tls13 = TestHandshakes.tls13();
    TlsAssembler assembler = assembler();
    Chunks.inOrder(tls13.client(), CLIENT_ISN, CLIENT, SERVER, T0, 1448).forEach(assembler::accept);
    byte[] server = tls13.server();
    int serverHelloRecord = 5 + ((server[3] & 0xff) << 8 | (server[4] & 0xff));

    assembler.accept(Chunks.segment(server, 0, serverHelloRecord - 1, SERVER_ISN, SERVER, CLIENT, T0));
    assertThat(events).isEmpty();
    assembler.accept(Chunks.segment(server, serverHelloRecord - 1, serverHelloRecord, SERVER_ISN, SERVER, CLIENT,
        T0));

    assertThat(events).hasSize(1);
    TlsHandshakeEvent event = events.get(0);
    assertThat(event.getServerHello().getSelectedVersion()).isEqualTo(0x0304);
    assertThat(event.getServerHello().getLegacyVersion()).isEqualTo(0x0303);
    assertThat(event.getServerHello().getCipherSuite()).isEqualTo(TestHandshakes.TLS13_SERVER_SUITE_CODE);
    assertThat(event.getClientHello().getSupportedVersions()).containsExactly(0x0304);
    assertThat(event.getClientHello().getCipherSuites()).isEqualTo(TestHandshakes.TLS13_CLIENT_SUITE_CODES);
    assertThat(event.getCertificateSource()).isEqualTo(CertificateSource.NONE);
    assertThat(event.getCertificates()).isEmpty();

    // the encrypted rest of the server's flight changes nothing
    Chunks.inOrder(server, SERVER_ISN, SERVER, CLIENT, T0, 1448).forEach(assembler::accept);
    assertThat(events).hasSize(1);
    assertThat(assembler.stats().parseErrorsTotal()).isZero();
  }

  @Test
  void random_cuts_shuffling_duplicates_overlaps_and_sequence_wrap_give_identical_events() {
    for (TestHandshakes.Recorded recorded : List.of(TestHandshakes.tls12(), TestHandshakes.tls13())) {
      byte[] client = TestHandshakes.kernelView(recorded.client());
      byte[] server = TestHandshakes.kernelView(recorded.server());
      for (Side[] sides : List.of(new Side[] {CLIENT, SERVER}, new Side[] {CLIENT6, SERVER6})) {
        List<TlsHandshakeEvent> expected = run(inOrder(client, server, sides[0], sides[1]));
        assertThat(expected).hasSize(1);
        for (long seed = 0; seed < 150; seed++) {
          assertThat(run(disordered(client, server, sides[0], sides[1], seed))).as("seed %d", seed)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void ipv6_endpoints_are_written_in_rfc5952_form() {
    byte[] client = TestHandshakes.kernelView(TestHandshakes.tls13().client());
    byte[] server = TestHandshakes.kernelView(TestHandshakes.tls13().server());

    TlsHandshakeEvent event = run(inOrder(client, server, CLIENT6, SERVER6)).get(0);

    assertThat(event.getFamily()).isEqualTo(AddressFamily.IPV6);
    assertThat(event.getClientIp()).isEqualTo("fd00::1");
    assertThat(event.getServerIp()).isEqualTo("fd00::2");
    assertThat(event.getServerPort()).isEqualTo(8443);
  }

  @Test
  void records_split_over_segments_and_messages_split_over_records_or_sharing_one_give_identical_events() {
    for (TestHandshakes.Recorded recorded : List.of(TestHandshakes.tls12(), TestHandshakes.tls13())) {
      byte[] client = TestHandshakes.kernelView(recorded.client());
      byte[] server = TestHandshakes.kernelView(recorded.server());
      List<TlsHandshakeEvent> expected = run(inOrder(client, server, CLIENT, SERVER));
      for (int fragment : new int[] {1, 7, 100, 16384}) {
        byte[] reframedClient = TestHandshakes.reframe(client, fragment);
        byte[] reframedServer = TestHandshakes.reframe(server, fragment);
        assertThat(run(inOrder(reframedClient, reframedServer, CLIENT, SERVER))).as("fragment %d", fragment)
            .isEqualTo(expected);
        if (fragment >= 100) {
          // with tiny records, a later record whose payload starts 01/02 can pass for the start when it arrives
          // first (the kernel's detection has the same ambiguity); real stacks never write records this small
          assertThat(run(disordered(reframedClient, reframedServer, CLIENT, SERVER, fragment)))
              .as("fragment %d, disordered", fragment).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void a_client_hello_larger_than_a_segment_is_parsed_whole() {
    List<Integer> suites = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      suites.add(0xc000 + i);
    }
    byte[] hello = HelloBuilder.clientHello(0x0303, suites,
        HelloBuilder.supportedVersions(List.of(0x0304)),
        HelloBuilder.keyShare(0x11ec, 1216), // X25519MLKEM768-sized share
        HelloBuilder.extension(0x0015, new byte[1500]), // padding
        HelloBuilder.sni("after-the-key-share.example")); // lands in the second segment
    byte[] client = HelloBuilder.records(16384, hello);
    byte[] server = HelloBuilder.records(16384, HelloBuilder.serverHello(new byte[32], 0x0303, 0x1301,
        HelloBuilder.selectedVersion(0x0304)));
    assertThat(client.length).isGreaterThan(2 * 1448);

    List<TlsHandshakeEvent> out = run(inOrder(client, server, CLIENT, SERVER));

    assertThat(out).hasSize(1);
    assertThat(out.get(0).getClientHello().getCipherSuites()).isEqualTo(suites);
    assertThat(out.get(0).getServerName()).isEqualTo("after-the-key-share.example");
    assertThat(out.get(0).getServerHello().getCipherSuite()).isEqualTo(0x1301);
    assertThat(run(disordered(client, server, CLIENT, SERVER, 42))).isEqualTo(out);
  }

  @Test
  void a_hello_retry_request_is_skipped_and_the_real_server_hello_used() {
    byte[] client = HelloBuilder.records(16384, HelloBuilder.clientHello(0x0303, List.of(0x1301, 0x1302),
        HelloBuilder.supportedVersions(List.of(0x0304)), HelloBuilder.sni("retry.example")));
    byte[] retry = HelloBuilder.concat(HelloBuilder.records(16384, HelloBuilder.serverHello(
        TlsCodes.HELLO_RETRY_REQUEST_RANDOM, 0x0303, 0x1302, HelloBuilder.selectedVersion(0x0304))),
        HelloBuilder.changeCipherSpec());
    byte[] real = HelloBuilder.records(16384, HelloBuilder.serverHello(new byte[32], 0x0303, 0x1302,
        HelloBuilder.selectedVersion(0x0304)));
    TlsAssembler assembler = assembler();

    Chunks.inOrder(client, CLIENT_ISN, CLIENT, SERVER, T0, 1448).forEach(assembler::accept);
    assembler.accept(Chunks.segment(retry, 0, retry.length, SERVER_ISN, SERVER, CLIENT, T0));
    assertThat(events).as("still waiting for the real ServerHello").isEmpty();
    // the kernel stops after the ChangeCipherSpec and starts again at the next ServerHello record
    assembler.accept(new TlsSegment(T0, SERVER.address(), SERVER.port(), CLIENT.address(), CLIENT.port(),
        (SERVER_ISN + retry.length) % Chunks.MOD, real));

    assertThat(events).hasSize(1);
    assertThat(events.get(0).getServerHello().getSelectedVersion()).isEqualTo(0x0304);
    assertThat(events.get(0).getServerName()).isEqualTo("retry.example");
    assertThat(assembler.stats().parseErrorsTotal()).isZero();
  }

  @Test
  void a_client_hello_without_server_hello_is_emitted_at_the_timeout_with_a_null_server_hello() {
    TlsAssembler assembler = assembler();
    Chunks.inOrder(TestHandshakes.tls13().client(), CLIENT_ISN, CLIENT, SERVER, T0, 1448)
        .forEach(assembler::accept);

    assembler.expire(T0 + TIMEOUT_NS - 1);
    assertThat(events).isEmpty();
    assembler.expire(T0 + TIMEOUT_NS);

    assertThat(events).hasSize(1);
    assertThat(events.get(0).getServerHello()).isNull();
    assertThat(events.get(0).getClientHello().getServerName()).isEqualTo("demo.example.test");
    assertThat(events.get(0).getCertificateSource()).isEqualTo(CertificateSource.NONE);
    assertThat(assembler.stats().handshakesTimedOut()).isEqualTo(1);
    assertThat(assembler.stats().bytesHeld()).isZero();
  }

  @Test
  void a_tls12_server_flight_cut_before_the_certificate_is_emitted_at_the_timeout_without_a_chain() {
    TestHandshakes.Recorded tls12 = TestHandshakes.tls12();
    TlsAssembler assembler = assembler();
    Chunks.inOrder(tls12.client(), CLIENT_ISN, CLIENT, SERVER, T0, 1448).forEach(assembler::accept);
    byte[] server = TestHandshakes.reframe(tls12.server(), 100); // ServerHello in its own records
    assembler.accept(Chunks.segment(server, 0, 300, SERVER_ISN, SERVER, CLIENT, T0));
    assertThat(events).isEmpty();

    assembler.expire(T0 + TIMEOUT_NS);

    assertThat(events).hasSize(1);
    assertThat(events.get(0).getServerHello().getCipherSuite()).isEqualTo(0xc02b);
    assertThat(events.get(0).getCertificateSource()).isEqualTo(CertificateSource.NONE);
    assertThat(events.get(0).getCertificates()).isEmpty();
  }

  @Test
  void a_handshake_longer_than_the_direction_bound_is_cut_and_emitted_with_what_fit() {
    TestHandshakes.Recorded tls12 = TestHandshakes.tls12();
    TlsAssembler assembler = new TlsAssembler(config(1024, 1 << 20, 100), "node-a", events::add);
    byte[] server = TestHandshakes.reframe(TestHandshakes.kernelView(tls12.server()), 100);

    inOrder(tls12.client(), server, CLIENT, SERVER).forEach(assembler::accept);

    assertThat(events).as("emitted at once: the Certificate can never fit").hasSize(1);
    assertThat(events.get(0).getServerHello().getCipherSuite()).isEqualTo(0xc02b);
    assertThat(events.get(0).getCertificates()).isEmpty();
    assertThat(assembler.stats().droppedBytes()).isPositive();
    assertThat(assembler.stats().bytesHeld()).isZero();
  }

  @Test
  void the_flow_bound_evicts_the_oldest_unfinished_connections() {
    TlsAssembler assembler = new TlsAssembler(config(65536, 32 << 20, 10), "node-a", events::add);
    byte[] hello = TestHandshakes.kernelView(TestHandshakes.tls13().client());

    for (int i = 0; i < 15; i++) {
      Side client = new Side(CLIENT.address(), 30000 + i);
      assembler.accept(Chunks.segment(hello, 0, 100, CLIENT_ISN, client, SERVER, T0 + i));
    }

    assertThat(assembler.stats().flows()).isEqualTo(10);
    assertThat(assembler.stats().flowsEvicted()).isEqualTo(5);
    assembler.expire(T0 + 20 + TIMEOUT_NS);
    assertThat(assembler.stats().flowsAbandoned()).as("the ten kept, each a ClientHello cut short").isEqualTo(10);
    assertThat(events).isEmpty();
  }

  @Test
  void the_total_byte_bound_evicts_the_oldest_and_is_never_exceeded() {
    long maxTotal = 65536;
    TlsAssembler assembler = new TlsAssembler(config(8192, maxTotal, 1000), "node-a", events::add);
    List<Integer> suites = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      suites.add(0x0100 + i);
    }
    byte[] hello = HelloBuilder.records(16384, HelloBuilder.clientHello(0x0303, suites)); // 4000 bytes and more

    for (int i = 0; i < 40; i++) {
      assembler.accept(Chunks.segment(hello, 0, 3000, CLIENT_ISN, new Side(CLIENT.address(), 30000 + i), SERVER,
          T0));
      assertThat(assembler.stats().bytesHeld()).isLessThanOrEqualTo(maxTotal);
    }

    // each connection holds a 4096-byte array plus a 512-byte bitmap: 14 fit in 64 KiB, 26 were evicted
    assertThat(assembler.stats().bytesHeld()).isEqualTo(14 * 4608);
    assertThat(assembler.stats().flowsEvicted()).isEqualTo(26);
    assertThat(assembler.stats().flows()).isEqualTo(14);
  }

  @Test
  void a_finished_connection_absorbs_retransmissions_and_is_forgotten_after_two_timeouts() {
    TestHandshakes.Recorded tls13 = TestHandshakes.tls13();
    TlsAssembler assembler = assembler();
    List<TlsSegment> segments = inOrder(tls13.client(), tls13.server(), CLIENT, SERVER);
    segments.forEach(assembler::accept);
    segments.forEach(assembler::accept);
    assertThat(events).hasSize(1);

    assembler.expire(T0 + TIMEOUT_NS);
    assertThat(assembler.stats().flows()).isEqualTo(1);
    assembler.expire(T0 + 2 * TIMEOUT_NS);
    assertThat(assembler.stats().flows()).isZero();
    assertThat(events).hasSize(1);
  }

  @Test
  void chunks_that_never_start_a_hello_are_dropped_at_the_timeout_without_an_event() {
    TlsAssembler assembler = assembler();
    byte[] server = TestHandshakes.tls12().server();

    assembler.accept(Chunks.segment(server, 1448, 2896, SERVER_ISN, SERVER, CLIENT, T0));
    assertThat(assembler.stats().bytesHeld()).isEqualTo(1448);
    assembler.expire(T0 + TIMEOUT_NS);

    assertThat(events).isEmpty();
    assertThat(assembler.stats().flowsAbandoned()).isEqualTo(1);
    assertThat(assembler.stats().bytesHeld()).isZero();
  }

  @Test
  void malformed_records_are_counted_by_kind_and_never_thrown() {
    TlsAssembler assembler = assembler();
    byte[] body = new byte[40];
    body[0] = 3;
    body[1] = 3;
    body[34] = 33; // a session id longer than 32 bytes
    byte[] badHello = HelloBuilder.records(16384, HelloBuilder.message(TlsCodes.HS_CLIENT_HELLO, body));
    assembler.accept(new TlsSegment(T0, CLIENT.address(), 1, SERVER.address(), 443, 5, badHello));
    byte[] badRecord = {0x63, 3, 3, 0, 1, 0}; // content type 99
    assembler.accept(new TlsSegment(T0, SERVER.address(), 443, CLIENT.address(), 2, 5, HelloBuilder.concat(
        HelloBuilder.records(16384, HelloBuilder.serverHello(new byte[32], 0x0303, 0xc02f)), badRecord)));

    assertThat(assembler.stats().parseErrors()).containsEntry(ParseErrorKind.CLIENT_HELLO, 1L)
        .containsEntry(ParseErrorKind.RECORD, 1L);
  }

  @Test
  void a_consumer_that_throws_is_counted_not_propagated() {
    TlsAssembler assembler = new TlsAssembler(TlsAssemblerConfig.defaults(), "node-a", event -> {
      throw new IllegalStateException("sink down");
    });

    inOrder(TestHandshakes.tls13().client(), TestHandshakes.tls13().server(), CLIENT, SERVER)
        .forEach(assembler::accept);

    assertThat(assembler.stats().emitFailures()).isEqualTo(1);
    assertThat(assembler.stats().handshakesEmitted()).isEqualTo(1);
  }

  @Test
  void stats_count_segments_and_duplicates() {
    TlsAssembler assembler = assembler();
    List<TlsSegment> segments = Chunks.inOrder(TestHandshakes.tls12().client(), CLIENT_ISN, CLIENT, SERVER, T0,
        100);
    segments.forEach(assembler::accept);

    TlsAssemblerStats stats = assembler.stats();
    assertThat(stats.segments()).isEqualTo(segments.size());
    assertThat(stats.segmentBytes()).isEqualTo(TestHandshakes.tls12().client().length);
    assertThat(stats.parseErrors()).hasSize(ParseErrorKind.values().length).isEqualTo(
        Map.of(ParseErrorKind.RECORD, 0L, ParseErrorKind.HANDSHAKE_MESSAGE, 0L, ParseErrorKind.CLIENT_HELLO, 0L,
            ParseErrorKind.SERVER_HELLO, 0L, ParseErrorKind.CERTIFICATE_MESSAGE, 0L, ParseErrorKind.X509, 0L,
            ParseErrorKind.INTERNAL, 0L));
  }
}
