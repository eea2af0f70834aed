package io.k8spacket.testsupport.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
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
 * <p>{@link #createBridged} builds a pod-like topology instead: each host's {@code eth0} is a veth whose other
 * end stays in the machine's own (root) network namespace, named {@code k8sp-tN-iH} like a CNI's host-side pod
 * veth, and those ends join a bridge {@code k8sp-tN-br} there. The bridge and the root-side ends have no
 * address at all (no IPv4, no IPv6 link-local: {@code addrgenmode none}), so the machine's routing is
 * untouched; the hosts keep their 10.231.N.i / fd00:231:N::i addresses. Programs attached in the root
 * namespace (TC on host-side veths) see the hosts' traffic, as on a Kubernetes node. Hosts can be added and
 * removed while the network lives ({@link #addHost()}, {@link #removeHost(int)}), as pods come and go.
 *
 * <pre>{@code
 * try (TestNetwork net = TestNetwork.createBridged(60, 2)) {
 *   net.rootInterface(1);   // "k8sp-t60-i1", in the root namespace, on bridge "k8sp-t60-br"
 * }
 * }</pre>
 *
 * <p>{@link #create} first removes namespaces (and root-side links) of the same network left by a crashed run;
 * {@link #removeAllLeftovers()} removes every {@code k8sp-t*} namespace and root link (only when no test is
 * running).
 */
public final class TestNetwork implements AutoCloseable {
  /** Prefix of every namespace this class creates. */
  public static final String PREFIX = "k8sp-t";

  private final int network;
  private final boolean bridged;
  private final SortedMap<Integer, TestHost> hosts = new TreeMap<>();
  private boolean closed;

  private TestNetwork(int network, boolean bridged, List<TestHost> hosts) {
    this.network = network;
    this.bridged = bridged;
    for (int i = 0; i < hosts.size(); i++) {
      this.hosts.put(i + 1, hosts.get(i));
    }
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
    checkNetwork(network);
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
      return new TestNetwork(network, false, List.copyOf(hosts));
    } catch (RuntimeException e) {
      hosts.forEach(TestHost::close);
      removeLeftovers(PREFIX + network + "-");
      throw e;
    }
  }

  /**
   * Creates network {@code network} with {@code count} (≥ 1) hosts in the pod-like topology: each host's
   * {@code eth0} pairs with {@code k8sp-tN-iH} in the root namespace, on the address-less bridge
   * {@code k8sp-tN-br}.
   */
  public static TestNetwork createBridged(int network, int count) {
    checkNetwork(network);
    if (count < 1 || count > 250) {
      throw new IllegalArgumentException("count must be in [1, 250], got " + count);
    }
    removeLeftovers(PREFIX + network + "-");
    TestNetwork net = new TestNetwork(network, true, List.of());
    try {
      String bridge = net.rootBridge();
      Ip.run("link", "add", bridge, "type", "bridge", "forward_delay", "0");
      Ip.run("link", "set", "dev", bridge, "addrgenmode", "none");
      Ip.run("link", "set", bridge, "up");
      for (int i = 1; i <= count; i++) {
        net.addHost();
      }
      return net;
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /**
   * Adds host {@code k8sp-tN-H} (H = the highest number so far + 1) to a bridged network, as a pod starting:
   * its root-side veth {@code k8sp-tN-iH} appears in the root namespace, on the bridge.
   */
  public synchronized TestHost addHost() {
    requireBridged();
    int i = hosts.isEmpty() ? 1 : hosts.lastKey() + 1;
    if (i > 250) {
      throw new IllegalStateException("network " + network + " has no host number left");
    }
    String ns = hostNamespace(network, i);
    String outside = rootInterface(i);
    Ip.run("netns", "add", ns);
    TestHost host = new TestHost(ns, address("10.231." + network + "." + i), address("fd00:231:" + network + "::" + i));
    hosts.put(i, host);
    Ip.run("-n", ns, "link", "set", "lo", "up");
    Ip.run("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
    Ip.run("link", "set", "dev", outside, "addrgenmode", "none");
    Ip.run("link", "set", outside, "master", rootBridge(), "up");
    Ip.run("-n", ns, "addr", "add", "10.231." + network + "." + i + "/24", "dev", "eth0");
    Ip.run("-n", ns, "addr", "add", "fd00:231:" + network + "::" + i + "/64", "dev", "eth0", "nodad");
    Ip.run("-n", ns, "link", "set", "eth0", "up");
    return host;
  }

  /** Removes host {@code i} of a bridged network, as a pod stopping: its namespace and both veth ends go. */
  public synchronized void removeHost(int i) {
    requireBridged();
    TestHost host = host(i);
    host.close();
    Ip.deleteLinkIfPresent(rootInterface(i)); // at once: the namespace itself goes when its last thread has left
    Ip.run("netns", "del", host.namespace());
    hosts.remove(i);
  }

  /** Name of host {@code i}'s veth end in the root namespace ({@code k8sp-tN-iH}); bridged networks only. */
  public String rootInterface(int i) {
    requireBridged();
    return rootInterfacePrefix() + i;
  }

  /** The common prefix of this network's root-side veths, {@code k8sp-tN-i}, e.g. for an interface pattern. */
  public String rootInterfacePrefix() {
    return PREFIX + network + "-i";
  }

  /** Name of the address-less bridge in the root namespace ({@code k8sp-tN-br}); bridged networks only. */
  public String rootBridge() {
    requireBridged();
    return PREFIX + network + "-br";
  }

  private void requireBridged() {
    if (!bridged) {
      throw new IllegalStateException("network " + network + " was not created with createBridged");
    }
  }

  private static void checkNetwork(int network) {
    if (network < 0 || network > 255) {
      throw new IllegalArgumentException("network must be in [0, 255], got " + network);
    }
  }

  /** Host {@code i} (1-based). */
  public synchronized TestHost host(int i) {
    TestHost host = hosts.get(i);
    if (host == null) {
      throw new IllegalArgumentException("host " + i + " not in " + hosts.keySet());
    }
    return host;
  }

  /** All hosts in order. */
  public synchronized List<TestHost> hosts() {
    return List.copyOf(hosts.values());
  }

  /** The network number N. */
  public int network() {
    return network;
  }

  /** Whether {@code address} is one of this network's host addresses (10.231.N.0/24 or fd00:231:N::/64). */
  public boolean contains(InetAddress address) {
    return hosts().stream().anyMatch(h -> h.ipv4().equals(address) || h.ipv6().equals(address));
  }

  /**
   * Stops the hosts' threads and deletes the namespaces (and with them the veths), and for a bridged network
   * the root-side bridge; idempotent.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      hosts.values().forEach(TestHost::close);
      removeLeftovers(PREFIX + network + "-");
    }
  }

  /** Deletes every namespace and root-namespace link starting with {@link #PREFIX}: leftovers of crashed runs. */
  public static void removeAllLeftovers() {
    removeLeftovers(PREFIX);
  }

  private static void removeLeftovers(String prefix) {
    for (String ns : Ip.namespaces()) {
      if (ns.startsWith(prefix)) {
        Ip.run("netns", "del", ns);
      }
    }
    for (String link : Ip.rootLinks()) {
      if (link.startsWith(prefix)) {
        Ip.deleteLinkIfPresent(link);
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
