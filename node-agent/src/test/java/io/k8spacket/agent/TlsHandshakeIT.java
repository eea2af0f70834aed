package io.k8spacket.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.pipeline.CollectingSink;
import io.k8spacket.agent.pipeline.IpText;
import io.k8spacket.agent.tc.OpensslHandshake;
import io.k8spacket.avro.CertificateInfo;
import io.k8spacket.avro.CertificateSource;
import io.k8spacket.avro.TlsEventKind;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.tls.TestPki;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real openssl handshakes between two pod-like test hosts, through the whole agent (kernel capture on the
 * host-side veths, ring reader, TLS assembler) into a collecting sink: each handshake gives exactly one
 * {@link TlsHandshakeEvent} with the SNI, version and cipher the peers used and, for TLS 1.2, the chain the
 * server sent, compared field by field with the certificates this test generated.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsHandshakeIT {
  private static final int NETWORK = 61;
  private static final int CIPHER_12 = 0xc02b; // ECDHE-ECDSA-AES128-GCM-SHA256
  private static final int CIPHER_13 = 0x1302; // TLS_AES_256_GCM_SHA384
  private static final int[] PORTS = {24412, 24413, 26412, 26413, 24499};
  private static TestNetwork net;
  private static TestPki.Chain pki;
  private static NodeAgent agent;
  private static final CollectingSink SINK = new CollectingSink();

  @BeforeAll
  static void start() throws Exception {
    TestNetwork.assumeRoot("loads the BPF programs and creates network namespaces");
    net = TestNetwork.createBridged(NETWORK, 2);
    pki = OpensslHandshake.pki(Path.of("target", "tls-handshake-it", "pki"));
    agent = NodeAgent.start(AgentConfig.fromEnv(Map.of(
        "K8SPACKET_AGENT_HTTP_PORT", "0",
        "K8SPACKET_AGENT_NODE_NAME", "node-tls-it",
        "K8SPACKET_AGENT_POLL_INTERVAL_MS", "5",
        "K8SPACKET_AGENT_TLS_INTERFACES", "^" + net.rootInterfacePrefix(),
        "K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS", "200")), SINK);
    assertThat(agent.tlsInterfaces()).containsExactlyInAnyOrder(net.rootInterface(1), net.rootInterface(2));
  }

  @AfterAll
  static void stop() throws Exception {
    Resources.closeAll(agent, net);
  }


  @Order(1)
  @ParameterizedTest(name = "TLS {0} over {1}")
  @CsvSource({"1.2, IPV4, 0", "1.3, IPV4, 1", "1.2, IPV6, 2", "1.3, IPV6, 3"})
  void a_handshake_becomes_one_event_with_sni_version_cipher_and_for_tls12_the_chain(String version,
      String family, int portIndex) throws Exception {
    TestHost client = net.host(1);
    TestHost server = net.host(2);
    InetAddress address = family.equals("IPV4") ? server.ipv4() : server.ipv6();
    InetAddress from = address instanceof Inet4Address ? client.ipv4() : client.ipv6();
    int port = PORTS[portIndex];
    List<String> suite = version.equals("1.2")
        ? List.of("-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256") : List.of("-ciphersuites", "TLS_AES_256_GCM_SHA384");

    OpensslHandshake.run(pki, server, address, port, client, version, "GET / HTTP/1.0\r\n\r\n",
        msgFile(version + "-" + family), suite);

    TlsHandshakeEvent e = awaitEvent(port);
    assertThat(e.getKind()).isEqualTo(TlsEventKind.HANDSHAKE);
    assertThat(e.getClientIp()).isEqualTo(IpText.format(from));
    assertThat(e.getServerIp()).isEqualTo(IpText.format(address));
    assertThat(e.getClientPort()).isPositive();
    assertThat(e.getNode()).isEqualTo("node-tls-it");
    assertThat(e.getServerName()).isEqualTo(OpensslHandshake.SERVER_NAME);
    assertThat(e.getClientHello().getServerName()).isEqualTo(OpensslHandshake.SERVER_NAME);
    assertThat(e.getObservedAtNs()).isBetween(System.currentTimeMillis() * 1_000_000 - 60_000_000_000L,
        System.currentTimeMillis() * 1_000_000);
    if (version.equals("1.2")) {
      assertThat(e.getServerHello().getSelectedVersion()).isEqualTo(0x0303);
      assertThat(e.getServerHello().getCipherSuite()).isEqualTo(CIPHER_12);
      assertThat(e.getCertificateSource()).isEqualTo(CertificateSource.HANDSHAKE);
      assertThat(e.getCertificates()).hasSize(2);
      assertCertificate(e.getCertificates().get(0), pki.leaf());
      assertThat(e.getCertificates().get(0).getSubjectAltNames()).containsExactly(
          "DNS:" + OpensslHandshake.SERVER_NAME, "DNS:" + OpensslHandshake.ALT_NAME, "IP:10.231.0.1");
      assertCertificate(e.getCertificates().get(1), pki.intermediate());
      assertThat(e.getCertificates().get(1).getSubjectAltNames()).isEmpty();
    } else {
      assertThat(e.getClientHello().getSupportedVersions()).contains(0x0304);
      assertThat(e.getServerHello().getSelectedVersion()).isEqualTo(0x0304);
      assertThat(e.getServerHello().getCipherSuite()).isEqualTo(CIPHER_13);
      assertThat(e.getCertificateSource()).isEqualTo(CertificateSource.NONE);
      assertThat(e.getCertificates()).isEmpty();
    }
  }

  @Order(2)
  @Test
  void a_client_hello_larger_than_one_segment_is_parsed_whole() throws Exception {
    int port = PORTS[4];
    // TLS 1.2 and 1.3 offered: every TLS 1.2 suite openssl has, a first key share for ffdhe8192 (1 KiB), and
    // long ALPN names
    List<String> alpn = List.of("h2", "http/1.1", "k8spacket-test-protocol-one", "k8spacket-test-protocol-two",
        "k8spacket-test-protocol-three");
    OpensslHandshake peers = OpensslHandshake.run(pki, net.host(2), net.host(2).ipv4(), port, net.host(1), "any",
        "GET / HTTP/1.0\r\n\r\n", msgFile("large"), List.of("-cipher", "ALL:@SECLEVEL=0", "-groups",
            "ffdhe8192:X25519:P-256:P-384", "-alpn", String.join(",", alpn)));
    assertThat(peers.clientToServer().length).as("ClientHello record bytes").isGreaterThan(1448);

    TlsHandshakeEvent e = awaitEvent(port);
    assertThat(e.getServerName()).isEqualTo(OpensslHandshake.SERVER_NAME);
    assertThat(e.getClientHello().getCipherSuites()).hasSize(cipherSuiteCount(peers.clientToServer()));
    assertThat(e.getClientHello().getSupportedGroups()).startsWith(0x0104, 0x001d, 0x0017, 0x0018);
    assertThat(e.getClientHello().getAlpn()).containsExactlyElementsOf(alpn);
    // both versions offered: openssl settles on TLS 1.3, with the suite its ServerHello bytes carry
    assertThat(e.getServerHello().getSelectedVersion()).isEqualTo(0x0304);
    assertThat(e.getServerHello().getCipherSuite()).isEqualTo(serverHelloCipherSuite(peers.serverToClient()));
  }

  @Order(3)
  @Test
  void each_handshake_was_reported_once_although_two_interfaces_saw_it() {
    for (int port : PORTS) {
      assertThat(SINK.handshakes()).filteredOn(h -> h.getServerPort() == port).as("port %d", port).hasSize(1);
    }
    assertThat(agent.metrics().value("k8spacket.agent.tls.handshakes")).isEqualTo(PORTS.length);
    assertThat(agent.metrics().value("k8spacket.agent.tls.chunks.read")).isPositive();
    assertThat(agent.metrics().value("k8spacket.agent.tls.kernel.drops")).isZero();
    assertThat(agent.metrics().value("k8spacket.agent.tls.interfaces.attached")).isEqualTo(2);
  }

  private static TlsHandshakeEvent awaitEvent(int port) {
    await().atMost(Duration.ofSeconds(15)).alias("a handshake event for port " + port)
        .until(() -> SINK.handshakes().stream().anyMatch(h -> h.getServerPort() == port));
    return SINK.handshakes().stream().filter(h -> h.getServerPort() == port).findFirst().orElseThrow();
  }

  private static void assertCertificate(CertificateInfo info, X509Certificate expected) {
    assertThat(info.getSubject()).isEqualTo(expected.getSubjectX500Principal().getName());
    assertThat(info.getIssuer()).isEqualTo(expected.getIssuerX500Principal().getName());
    assertThat(info.getSerialHex()).isEqualTo(expected.getSerialNumber().toString(16));
    assertThat(info.getNotBeforeMs()).isEqualTo(expected.getNotBefore().getTime());
    assertThat(info.getNotAfterMs()).isEqualTo(expected.getNotAfter().getTime());
    assertThat(info.getKeyType()).isEqualTo("EC");
    assertThat(info.getKeyBits()).isEqualTo(256);
  }

  /** The cipher suite count of the ClientHello at the start of a client's handshake bytes. */
  private static int cipherSuiteCount(byte[] records) {
    return u16(records, afterSessionId(records)) / 2;
  }

  /** The cipher suite of the ServerHello that starts {@code records}, read straight from the bytes. */
  private static int serverHelloCipherSuite(byte[] records) {
    return u16(records, afterSessionId(records));
  }

  /** Offset after the session id of the hello starting {@code records} (both hellos begin alike). */
  private static int afterSessionId(byte[] records) {
    int at = 5 + 4 + 2 + 32; // record header, handshake header, legacy version, random
    return at + 1 + (records[at] & 0xff);
  }

  private static int u16(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
  }

  private static Path msgFile(String name) {
    return Path.of("target", "tls-handshake-it", "msg-" + name + ".txt").toAbsolutePath();
  }
}
