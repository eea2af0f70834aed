package io.k8spacket.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.testsupport.net.Traffic.CloseOrder;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The test hosts themselves: addresses, reachability over the veth pair and the bridge, cleanup. */
class NetworkHostsIT {
  @Test
  void two_hosts_talk_over_ipv4_and_ipv6_and_vanish_on_close() throws Exception {
    TestNetwork.assumeRoot("creates network namespaces");
    try (TestNetwork net = TestNetwork.create(250, 2)) {
      assertThat(net.host(1).ipv4()).isEqualTo(InetAddress.getByName("10.231.250.1"));
      assertThat(net.host(2).ipv6()).isEqualTo(InetAddress.getByName("fd00:231:250::2"));
      // IPv4 only: the JDK lists IPv6 addresses from /proc/net, which follows the process, not the thread
      assertThat(net.host(1).call(() -> NetworkInterface.getByName("eth0").inetAddresses().toList()))
          .contains(net.host(1).ipv4());
      // the test JVM's own namespace does not have the address
      assertThat(NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses))
          .doesNotContain(net.host(1).ipv4());

      Traffic.Result v4 = Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv4(), 10, 20, CloseOrder.CLIENT_FIRST);
      Traffic.Result v6 = Traffic.exchange(net.host(2), net.host(1), net.host(1).ipv6(), 10, 20, CloseOrder.SERVER_RESET);

      assertThat(v4.client().getAddress()).isEqualTo(net.host(1).ipv4());
      assertThat(v4.client().getPort()).isPositive();
      assertThat(v6.server().getAddress()).isEqualTo(net.host(1).ipv6());
    }
    assertThat(Ip.namespaces()).noneMatch(ns -> ns.startsWith("k8sp-t250-"));
  }

  @Test
  void three_hosts_share_a_bridge() throws Exception {
    TestNetwork.assumeRoot("creates network namespaces");
    try (TestNetwork net = TestNetwork.create(251, 3)) {
      Traffic.exchange(net.host(1), net.host(3), net.host(3).ipv6(), 1, 1, CloseOrder.CLIENT_FIRST);
      Traffic.exchange(net.host(3), net.host(2), net.host(2).ipv4(), 1, 1, CloseOrder.SERVER_FIRST);
      int closed = Traffic.closedPort(net.host(2), net.host(2).ipv4());
      assertThat(Traffic.refused(net.host(1), net.host(2).ipv4(), closed).server().getPort()).isEqualTo(closed);
    }
    assertThat(Ip.namespaces()).noneMatch(ns -> ns.startsWith("k8sp-t251-"));
  }

  @Test
  void bridged_hosts_hang_off_an_addressless_bridge_in_the_root_namespace() throws Exception {
    TestNetwork.assumeRoot("creates network namespaces and root-namespace links");
    try (TestNetwork net = TestNetwork.createBridged(252, 2)) {
      assertThat(net.rootInterface(2)).isEqualTo("k8sp-t252-i2");
      assertThat(net.rootBridge()).isEqualTo("k8sp-t252-br");
      assertThat(Path.of("/sys/class/net/k8sp-t252-i1/master")).isSymbolicLink();
      // no address of any family on the root-side links: the machine's routing is untouched
      for (String link : new String[] {"k8sp-t252-br", "k8sp-t252-i1", "k8sp-t252-i2"}) {
        assertThat(Ip.run("addr", "show", "dev", link)).as(link).contains("UP").doesNotContain("inet");
      }

      Traffic.exchange(net.host(1), net.host(2), net.host(2).ipv4(), 10, 20, CloseOrder.CLIENT_FIRST);
      Traffic.exchange(net.host(2), net.host(1), net.host(1).ipv6(), 10, 20, CloseOrder.SERVER_FIRST);

      TestHost third = net.addHost();
      assertThat(third.ipv4()).isEqualTo(InetAddress.getByName("10.231.252.3"));
      assertThat(Files.exists(Path.of("/sys/class/net/k8sp-t252-i3"))).isTrue();
      Traffic.exchange(third, net.host(1), net.host(1).ipv6(), 1, 1, CloseOrder.CLIENT_FIRST);

      net.removeHost(3);
      assertThat(Files.exists(Path.of("/sys/class/net/k8sp-t252-i3"))).isFalse();
      assertThat(Ip.namespaces()).doesNotContain("k8sp-t252-3");
    }
    assertThat(Ip.namespaces()).noneMatch(ns -> ns.startsWith("k8sp-t252-"));
    assertThat(Ip.rootLinks()).noneMatch(link -> link.startsWith("k8sp-t252-"));
  }
}
