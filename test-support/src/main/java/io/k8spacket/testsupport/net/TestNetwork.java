package io.k8spacket.testsupport.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Test hosts as network namespaces on this machine, for tests that need real TCP between distinct addresses
 * (the agent's probe test, the end-to-end test). Needs root; {@link #assumeRoot(String)} skips or, under CI,
 * fails.
 *
 * <p>Network {@code N} (0–255; each test class picks its own so classes can run at the same time) has hosts
 * {@code k8sp-tN-1}, {@code k8sp-tN-2}, … with addresses 10.231.N.i/24 and fd00:231:N::i/64 (N written as
 * is into the third group, added {@code nodad} so they work at once) and loopback up. Two hosts are joined by
 * one veth pair ({@code eth0} on both sides); three or more by veths to a bridge in namespace
 * {@code k8sp-tN-hub}. These addresses exist only inside the namespaces, never on the machine itself.
 *
 * <pre>{@code
 * try (TestNetwork net = TestNetwork.create(7, 2)) {
 *   TestHost client = net.host(1), server = net.host(2);
 *   Traffic.Result r = Traffic.exchange(client, server, server.ipv6(), 1000, 20, Traffic.CloseOrder.CLIENT_FIRST);
 * }
 * }</pre>
 *
 * <p>{@link #create} first removes namespaces of the same network left by a crashed run;
 * {@link #removeAllLeftovers()} removes every {@code k8sp-t*} namespace (only when no test is running).
 */
public final class TestNetwork implements AutoCloseable {
  /** Prefix of every namespace this class creates. */
  public static final String PREFIX = "k8sp-t";

  private final int network;
  private final List<TestHost> hosts;
  private boolean closed;

  private TestNetwork(int network, List<TestHost> hosts) {
    this.network = network;
    this.hosts = hosts;
  }

  /**
   * Skips the calling test when not root, with {@code why} in the message; under CI ({@code CI=true}) fails
   * instead, so a misconfigured runner cannot pass by skipping.
   */
  public static void assumeRoot(String why) {
    boolean root = "root".equals(System.getProperty("user.name"));
    String message = "needs root: " + why;
    if (!root && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true, so this fails instead of skipping)");
    }
    Assumptions.assumeTrue(root, message);
  }

  /** Creates network {@code network} with {@code count} (≥ 2) hosts, numbered from 1. */
  public static TestNetwork create(int network, int count) {
    if (network < 0 || network > 255) {
      throw new IllegalArgumentException("network must be in [0, 255], got " + network);
    }
    if (count < 2 || count > 250) {
      throw new IllegalArgumentException("count must be in [2, 250], got " + count);
    }
    removeLeftovers(PREFIX + network + "-");
    List<TestHost> hosts = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        String ns = hostNamespace(network, i);
        Ip.run("netns", "add", ns);
        Ip.run("-n", ns, "link", "set", "lo", "up");
        hosts.add(new TestHost(ns, address("10.231." + network + "." + i),
            address("fd00:231:" + network + "::" + i)));
      }
      if (count == 2) {
        Ip.run("-n", hostNamespace(network, 1), "link", "add", "eth0", "type", "veth", "peer", "name", "eth0",
            "netns", hostNamespace(network, 2));
      } else {
        String hub = PREFIX + network + "-hub";
        Ip.run("netns", "add", hub);
        Ip.run("-n", hub, "link", "add", "br0", "type", "bridge", "forward_delay", "0");
        Ip.run("-n", hub, "link", "set", "br0", "up");
        for (int i = 1; i <= count; i++) {
          Ip.run("-n", hub, "link", "add", "p" + i, "type", "veth", "peer", "name", "eth0", "netns",
              hostNamespace(network, i));
          Ip.run("-n", hub, "link", "set", "p" + i, "master", "br0", "up");
        }
      }
      for (int i = 1; i <= count; i++) {
        String ns = hostNamespace(network, i);
        Ip.run("-n", ns, "addr", "add", "10.231." + network + "." + i + "/24", "dev", "eth0");
        Ip.run("-n", ns, "addr", "add", "fd00:231:" + network + "::" + i + "/64", "dev", "eth0", "nodad");
        Ip.run("-n", ns, "link", "set", "eth0", "up");
      }
      return new TestNetwork(network, List.copyOf(hosts));
    } catch (RuntimeException e) {
      hosts.forEach(TestHost::close);
      removeLeftovers(PREFIX + network + "-");
      throw e;
    }
  }

  /** Host {@code i} (1-based). */
  public TestHost host(int i) {
    if (i < 1 || i > hosts.size()) {
      throw new IllegalArgumentException("host " + i + " not in [1, " + hosts.size() + "]");
    }
    return hosts.get(i - 1);
  }

  /** All hosts in order. */
  public List<TestHost> hosts() {
    return hosts;
  }

  /** The network number N. */
  public int network() {
    return network;
  }

  /** Whether {@code address} is one of this network's host addresses (10.231.N.0/24 or fd00:231:N::/64). */
  public boolean contains(InetAddress address) {
    return hosts.stream().anyMatch(h -> h.ipv4().equals(address) || h.ipv6().equals(address));
  }

  /** Stops the hosts' threads and deletes the namespaces (and with them the veths and bridge); idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      hosts.forEach(TestHost::close);
      removeLeftovers(PREFIX + network + "-");
    }
  }

  /** Deletes every namespace starting with {@link #PREFIX}: leftovers of crashed runs of any network. */
  public static void removeAllLeftovers() {
    removeLeftovers(PREFIX);
  }

  private static void removeLeftovers(String prefix) {
    for (String ns : Ip.namespaces()) {
      if (ns.startsWith(prefix)) {
        Ip.run("netns", "del", ns);
      }
    }
  }

  private static String hostNamespace(int network, int i) {
    return PREFIX + network + "-" + i;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
