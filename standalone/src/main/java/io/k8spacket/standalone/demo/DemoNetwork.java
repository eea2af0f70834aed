package io.k8spacket.standalone.demo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's network: an address-less bridge {@value #BRIDGE} in the machine's own namespace and one namespace
 * per pod, joined to it by a veth pair, as a CNI plugin wires pods on a Kubernetes node. Neither the bridge nor
 * the root-side veth ends get an address ({@code addrgenmode none}), so the machine's routing is untouched and
 * the pods' addresses exist only inside their namespaces.
 *
 * <p>Every namespace and link is named {@value #PREFIX}…, so {@link #removeLeftovers()} finds what a crashed
 * run left (namespaces outlive a killed process; so do the veths and the bridge) and removes it, and never
 * touches anything else.
 */
public final class DemoNetwork implements AutoCloseable {
  /** Prefix of every namespace and link the demo makes. */
  public static final String PREFIX = "k8spdemo";
  /** The bridge in the machine's namespace. */
  public static final String BRIDGE = PREFIX + "0";

  /**
   * One pod to make.
   *
   * @param id at most 6 characters: {@code k8spdemo-ID} names its namespace and its root-side veth
   * @param ipv4 address with prefix length, e.g. {@code 10.244.1.10/16}
   * @param ipv6 address with prefix length, or null
   * @param onLink IPv4 prefixes reached directly on the bridge (other subnets on the same wire)
   */
  public record PodSpec(String id, String ipv4, String ipv6, List<String> onLink) {
    public PodSpec {
      if (id.isEmpty() || id.length() > 6 || !id.matches("[a-z0-9]+")) {
        throw new IllegalArgumentException("pod id must be 1-6 of [a-z0-9], got '" + id + "'");
      }
      onLink = List.copyOf(onLink);
    }
  }

  private final Map<String, DemoPod> pods = new LinkedHashMap<>();
  private boolean closed;

  private DemoNetwork() {}

  /** Removes every namespace and root link named {@value #PREFIX}…; returns their names. */
  public static List<String> removeLeftovers() {
    List<String> removed = new ArrayList<>();
    // links first: deleting a veth end removes its peer at once, while a namespace's own cleanup is asynchronous
    for (String link : IpCommand.rootLinks()) {
      if (link.startsWith(PREFIX)) {
        IpCommand.deleteLinkIfPresent(link);
        removed.add("link " + link);
      }
    }
    for (String ns : IpCommand.namespaces()) {
      if (ns.startsWith(PREFIX)) {
        IpCommand.run("netns", "del", ns);
        removed.add("namespace " + ns);
      }
    }
    return removed;
  }

  /** What of the demo exists on this machine now: namespaces and root links named {@value #PREFIX}…. */
  public static List<String> present() {
    List<String> found = new ArrayList<>();
    IpCommand.namespaces().stream().filter(n -> n.startsWith(PREFIX)).forEach(n -> found.add("namespace " + n));
    IpCommand.rootLinks().stream().filter(l -> l.startsWith(PREFIX)).forEach(l -> found.add("link " + l));
    return found;
  }

  /** Makes the bridge and the pods; on failure removes what it made and rethrows. */
  public static DemoNetwork create(List<PodSpec> specs) {
    DemoNetwork network = new DemoNetwork();
    try {
      IpCommand.run("link", "add", BRIDGE, "type", "bridge", "forward_delay", "0");
      IpCommand.run("link", "set", "dev", BRIDGE, "addrgenmode", "none");
      IpCommand.run("link", "set", BRIDGE, "up");
      for (PodSpec spec : specs) {
        network.add(spec);
      }
      return network;
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }

  private void add(PodSpec spec) {
    String ns = PREFIX + "-" + spec.id();
    String outside = PREFIX + "-" + spec.id();
    IpCommand.run("netns", "add", ns);
    pods.put(spec.id(), new DemoPod(spec.id(), address(spec.ipv4()), spec.ipv6() == null ? null
        : address(spec.ipv6())));
    IpCommand.run("-n", ns, "link", "set", "lo", "up");
    IpCommand.run("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns);
    IpCommand.run("link", "set", "dev", outside, "addrgenmode", "none");
    IpCommand.run("link", "set", outside, "master", BRIDGE, "up");
    IpCommand.run("-n", ns, "addr", "add", spec.ipv4(), "dev", "eth0");
    if (spec.ipv6() != null) {
      IpCommand.run("-n", ns, "addr", "add", spec.ipv6(), "dev", "eth0", "nodad");
    }
    IpCommand.run("-n", ns, "link", "set", "eth0", "up");
    for (String prefix : spec.onLink()) {
      IpCommand.run("-n", ns, "route", "add", prefix, "dev", "eth0");
    }
  }

  /** The pod with this id. */
  public DemoPod pod(String id) {
    DemoPod pod = pods.get(id);
    if (pod == null) {
      throw new IllegalArgumentException("no demo pod '" + id + "' in " + pods.keySet());
    }
    return pod;
  }

  public List<DemoPod> pods() {
    return List.copyOf(pods.values());
  }

  /** Stops the pods' threads and removes every namespace and link the demo made; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pods.values().forEach(DemoPod::stop);
    removeLeftovers();
  }

  private static InetAddress address(String cidr) {
    try {
      return InetAddress.getByName(cidr.substring(0, cidr.indexOf('/'))); // a literal: no lookup
    } catch (UnknownHostException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not an address/prefix: " + cidr, e);
    }
  }
}
