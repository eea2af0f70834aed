package io.k8spacket.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8spacket.agent.bpf.BundledLibBpf;
import io.k8spacket.agent.bpf.TlsProbe;
import io.k8spacket.agent.pipeline.CollectingSink;
import io.k8spacket.agent.tc.ClsactAttacher;
import io.k8spacket.agent.tc.NetInterface;
import io.k8spacket.agent.tc.OpensslHandshake;
import io.k8spacket.agent.tc.SysfsInterfaces;
import io.k8spacket.testsupport.net.TestHost;
import io.k8spacket.testsupport.net.TestNetwork;
import io.k8spacket.testsupport.tls.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent following interfaces as pods come and go, on both attach paths, and leaving everything on the
 * interfaces that is not its own: a foreign filter (classic BPF at priority 7) survives our start and stop, a
 * clsact qdisc that existed before stays, one we created goes, and a filter of ours left by a killed agent
 * is replaced, not duplicated.
 */
class InterfaceFollowIT {
  private static final int NETWORK = 62;
  /** How {@code tc filter show} prints the foreign filter. */
  private static final String FOREIGN = "handle 0x7 not_in_hw bytecode '1,6 0 0 0'";
  private static TestPki.Chain pki;
  private TestNetwork net;
  private final CollectingSink sink = new CollectingSink();

  @BeforeAll
  static void pki() throws Exception {
    TestNetwork.assumeRoot("attaches TC programs and creates network namespaces");
    pki = OpensslHandshake.pki(Path.of("target", "interface-follow-it", "pki"));
  }

  @BeforeEach
  void network() {
    net = TestNetwork.createBridged(NETWORK, 2);
  }

  @AfterEach
  void cleanup() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void veths_that_appear_are_attached_and_ones_that_vanish_are_forgotten_and_foreign_filters_survive()
      throws Exception {
    String first = net.rootInterface(1);
    tc("qdisc", "add", "dev", first, "clsact");
    foreignFilter(first);

    try (NodeAgent agent = start("auto")) {
      assertThat(agent.tlsInterfaces()).containsExactlyInAnyOrder(first, net.rootInterface(2));
      assertThat(attachedGauge(agent)).isEqualTo(2);

      TestHost third = net.addHost();
      await().atMost(Duration.ofSeconds(10)).until(() -> attachedGauge(agent) == 3);
      assertThat(agent.tlsInterfaces()).contains(net.rootInterface(3));
      // the new pod's handshake is seen: its veth really carries our programs
      OpensslHandshake.run(pki, third, third.ipv4(), 34413, net.host(1), "1.3", "GET / HTTP/1.0\r\n\r\n",
          msgFile("new-veth"), List.of());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> sink.handshakes().stream().anyMatch(h -> h.getServerPort() == 34413));

      net.removeHost(3);
      await().atMost(Duration.ofSeconds(10)).until(() -> attachedGauge(agent) == 2);
      assertThat(agent.tlsInterfaces()).containsExactlyInAnyOrder(first, net.rootInterface(2));
      assertThat(tc("filter", "show", "dev", first, "ingress")).contains(FOREIGN);
    }
    assertThat(tc("filter", "show", "dev", first, "ingress")).contains(FOREIGN);
  }

  @Test
  void on_the_clsact_path_a_qdisc_that_existed_stays_and_one_we_created_goes() throws Exception {
    String existing = net.rootInterface(1);
    String fresh = net.rootInterface(2);
    tc("qdisc", "add", "dev", existing, "clsact");
    foreignFilter(existing);

    try (NodeAgent agent = start("tc")) {
      assertThat(agent.tlsInterfaces()).containsExactlyInAnyOrder(existing, fresh);
      for (String dev : List.of(existing, fresh)) {
        assertThat(tc("filter", "show", "dev", dev, "ingress")).contains("k8sp_tls_in_eth", "handle 0x6b70",
            "pref 2", "direct-action");
        assertThat(tc("filter", "show", "dev", dev, "egress")).contains("k8sp_tls_eg_eth", "handle 0x6b70");
      }
      assertThat(tc("qdisc", "show", "dev", fresh)).contains("clsact");
      OpensslHandshake.run(pki, net.host(2), net.host(2).ipv6(), 36413, net.host(1), "1.3",
          "GET / HTTP/1.0\r\n\r\n", msgFile("clsact"), List.of());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> sink.handshakes().stream().anyMatch(h -> h.getServerPort() == 36413));
      assertThat(tc("filter", "show", "dev", existing, "ingress")).contains(FOREIGN);
    }
    assertThat(tc("qdisc", "show", "dev", existing)).contains("clsact");
    assertThat(tc("filter", "show", "dev", existing, "ingress")).contains(FOREIGN)
        .doesNotContain("k8sp_tls");
    assertThat(tc("filter", "show", "dev", existing, "egress")).doesNotContain("k8sp_tls");
    assertThat(tc("qdisc", "show", "dev", fresh)).doesNotContain("clsact");
  }

  @Test
  void a_filter_left_by_a_killed_agent_is_replaced_and_removed_on_stop() throws Exception {
    String dev = net.rootInterface(1);
    // what a SIGKILLed agent leaves: our filters on a qdisc, attached to programs nobody holds any more
    try (TlsProbe old = TlsProbe.load(new TlsProbe.Options(1 << 16, 16, 4096))) {
      NetInterface iface = new SysfsInterfaces(SysfsInterfaces.SYS_CLASS_NET).get().stream()
          .filter(i -> i.name().equals(dev)).findFirst().orElseThrow();
      new ClsactAttacher(BundledLibBpf.get(), old::programFd).attach(iface); // never detached
    }
    String leftover = tc("filter", "show", "dev", dev, "ingress");
    assertThat(leftover).contains("k8sp_tls_in_eth");

    try (NodeAgent agent = start("tc")) {
      String now = tc("filter", "show", "dev", dev, "ingress");
      assertThat(now).contains("k8sp_tls_in_eth").isNotEqualTo(leftover); // a new program id
      assertThat(now.split("handle 0x6b70", -1)).hasSize(2); // one filter of ours, not two
      assertThat(agent.tlsInterfaces()).contains(dev);
    }
    assertThat(tc("filter", "show", "dev", dev, "ingress")).doesNotContain("k8sp_tls");
    tc("qdisc", "del", "dev", dev, "clsact"); // the leftover qdisc was not ours to remove
  }

  /**
   * Someone else's filter at priority 7: classic BPF {@code ret 0} (never matches, so classification goes on;
   * this kernel has cls_bpf but not matchall).
   */
  private static void foreignFilter(String dev) throws Exception {
    tc("filter", "add", "dev", dev, "ingress", "prio", "7", "handle", "7", "bpf", "bytecode", "1,6 0 0 0,");
    assertThat(tc("filter", "show", "dev", dev, "ingress")).contains(FOREIGN);
  }

  private NodeAgent start(String attach) {
    return NodeAgent.start(AgentConfig.fromEnv(Map.of(
        "K8SPACKET_AGENT_HTTP_PORT", "0",
        "K8SPACKET_AGENT_POLL_INTERVAL_MS", "5",
        "K8SPACKET_AGENT_TLS_ATTACH", attach,
        "K8SPACKET_AGENT_TLS_INTERFACES", "^" + net.rootInterfacePrefix(),
        "K8SPACKET_AGENT_TLS_INTERFACE_POLL_MS", "200")), sink);
  }

  private static double attachedGauge(NodeAgent agent) {
    return agent.metrics().value("k8spacket.agent.tls.interfaces.attached");
  }

  private static Path msgFile(String name) {
    return Path.of("target", "interface-follow-it", "msg-" + name + ".txt").toAbsolutePath();
  }

  /** Runs iproute2's {@code tc}; returns its output, fails the test when it fails. */
  private static String tc(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tc"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
