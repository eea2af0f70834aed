package io.k8spacket.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.event.TcpConnection;
import io.k8spacket.agent.pipeline.CollectingSink;
import io.k8spacket.agent.pipeline.IpText;
import io.k8spacket.agent.tc.OpensslHandshake;
import io.k8spacket.avro.TlsHandshakeEvent;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.net.Traffic;
import io.k8spacket.testsupport.tls.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent restart: two agents one after the other in this JVM, with TLS capture on the host-side veths of two
 * pod-like test hosts. After the first closes, this process holds no BPF program, link or map any more and no
 * interface carries a k8sp program; the second attaches exactly one ingress and one egress program per
 * interface (no stale filter left beside it) and reports exactly the connections and handshakes made after it
 * started, with exact bytes.
 */
class AgentRestartIT {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRestartIT.class);
  private static final int NETWORK = 64;
  private static TestNetwork net;
  private static TestPki.Chain pki;
  private static Map<String, String> env;

  @BeforeAll
  static void network() {
    TestNetwork.assumeRoot("loads the BPF programs and creates network namespaces");
    net = TestNetwork.createBridged(NETWORK, 2);
    pki = OpensslHandshake.pki(Path.of("target", "agent-restart-it", "pki"));
    env = Map.of(
        "K8SPACKET_AGENT_HTTP_PORT", "0",
        "K8SPACKET_AGENT_NODE_NAME", "node-restart-it",
        "K8SPACKET_AGENT_POLL_INTERVAL_MS", "5",
        "K8SPACKET_AGENT_TLS_INTERFACES", "^" + net.rootInterfacePrefix(),
        "K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS", "200");
  }

  @AfterAll
  static void stop() throws Exception {
    Resources.closeAll(net);
  }

  @Test
  void a_second_agent_after_the_first_attaches_cleanly_and_counts_exactly_the_new_connections()
      throws Exception {
    Map<String, Long> before = bpfDescriptors();
    assertThat(programsOn(net.rootInterface(1))).isEmpty();

    CollectingSink first = new CollectingSink();
    NodeAgent agent = NodeAgent.start(AgentConfig.fromEnv(env), first);
    try {
      assertThat(agent.tlsInterfaces()).containsExactlyInAnyOrder(net.rootInterface(1), net.rootInterface(2));
      assertThat(programsOn(net.rootInterface(1))).hasSize(2);
      exchange(first, 1_111, 2_222);
      handshake(first, 24601);
    } finally {
      agent.close();
    }
    int firstConnections = first.received().size();
    assertThat(bpfDescriptors()).as("BPF fds of this process after the first agent closed").isEqualTo(before);
    assertThat(programsOn(net.rootInterface(1))).isEmpty();
    assertThat(programsOn(net.rootInterface(2))).isEmpty();

    // between the two agents: nobody watches, nothing may show up later
    Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv4(), 77, 88, Traffic.CloseOrder.CLIENT_FIRST);

    CollectingSink second = new CollectingSink();
    agent = NodeAgent.start(AgentConfig.fromEnv(env), second);
    try {
      assertThat(agent.tlsInterfaces()).containsExactlyInAnyOrder(net.rootInterface(1), net.rootInterface(2));
      List<String> attached = programsOn(net.rootInterface(1));
      assertThat(attached).as("programs on %s", net.rootInterface(1)).hasSize(2).doesNotHaveDuplicates();
      assertThat(programsOn(net.rootInterface(2))).isEqualTo(attached);
      List<Traffic.Result> after = List.of(exchange(second, 3_333, 4_444), exchange(second, 5_555, 6_666),
          exchange(second, 7_777, 8_888));
      handshake(second, 24602);
      await().atMost(Duration.ofSeconds(10)).until(() -> testConnections(second).size() == 2 * after.size());
      LOG.info("first agent: {} connection events, 1 handshake; second agent, programs {} on each veth: {}"
          + " connection events, {} handshake(s), events read {}", firstConnections, attached,
          testConnections(second).size(), second.handshakes().size(),
          agent.metrics().value("k8spacket.agent.events.read"));
      assertThat(testConnections(second)).extracting(TcpConnection::bytesClientToServer)
          .containsExactlyInAnyOrder(3_333L, 3_333L, 5_555L, 5_555L, 7_777L, 7_777L);
      assertThat(testConnections(second)).extracting(TcpConnection::bytesServerToClient)
          .containsExactlyInAnyOrder(4_444L, 4_444L, 6_666L, 6_666L, 8_888L, 8_888L);
      assertThat(second.handshakes()).extracting(TlsHandshakeEvent::getServerPort).containsExactly(24602);
      assertThat(agent.metrics().value("k8spacket.agent.tls.handshakes")).isEqualTo(1);
      assertThat(agent.metrics().value("k8spacket.agent.kernel.drops")).isZero();
    } finally {
      agent.close();
    }
    assertThat(bpfDescriptors()).isEqualTo(before);
    assertThat(programsOn(net.rootInterface(1))).isEmpty();
  }

  /** One connection host 1 → host 2 with these byte counts; waits until both sockets reached {@code sink}. */
  private static Traffic.Result exchange(CollectingSink sink, long request, long response) throws Exception {
    Traffic.Result r = Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv4(), request, response,
        Traffic.CloseOrder.CLIENT_FIRST);
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.received().stream()
        .filter(c -> c.clientPort() == r.client().getPort() && c.bytesClientToServer() == request
            && c.bytesServerToClient() == response).count() == 2);
    return r;
  }

  private static void handshake(CollectingSink sink, int port) throws Exception {
    OpensslHandshake.run(pki, net.host(2), net.host(2).ipv4(), port, net.host(1), "1.3", "GET / HTTP/1.0\r\n\r\n",
        Path.of("target", "agent-restart-it", "msg-" + port + ".txt").toAbsolutePath(), List.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.handshakes().stream()
        .anyMatch(h -> h.getServerPort() == port));
  }

  /** The events of connections between the two test hosts that are not TLS handshakes' connections. */
  private static List<TcpConnection> testConnections(CollectingSink sink) {
    String server = IpText.format(net.host(2).ipv4());
    return sink.received().stream()
        .filter(c -> IpText.format(c.server()).equals(server) && c.serverPort() != 24601 && c.serverPort() != 24602)
        .toList();
  }

  /** Names of the k8sp programs attached to {@code device} (TCX links or clsact filters). */
  private static List<String> programsOn(String device) throws Exception {
    return AttachedPrograms.on(device).stream().filter(n -> n.startsWith("k8sp_")).toList();
  }

  /** This process's open BPF descriptors by kind (program, link, map), from {@code /proc/self/fd}. */
  private static Map<String, Long> bpfDescriptors() throws IOException {
    Map<String, Long> kinds = new TreeMap<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed while listing
        }
        if (target.startsWith("anon_inode:bpf")) {
          kinds.merge(target, 1L, Long::sum);
        }
      }
    }
    return kinds;
  }
}
