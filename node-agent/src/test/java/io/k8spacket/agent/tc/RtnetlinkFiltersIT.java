package io.k8spacket.agent.tc;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.agent.bpf.BundledLibBpf;
import io.k8spacket.agent.bpf.TlsProbe;
import io.k8spacket.testsupport.net.TestNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counting filters over rtnetlink on a real veth, checked against what {@code tc} shows, and the clsact path
 * keeping a qdisc it created once someone else has put a filter on it.
 */
class RtnetlinkFiltersIT {
  private static final int NETWORK = 63;
  /** How {@code tc filter show} prints the foreign filter. */
  private static final String FOREIGN = "handle 0x7 not_in_hw bytecode '1,6 0 0 0'";
  private static TlsProbe probe;
  private TestNetwork net;
  private NetInterface iface;

  @BeforeAll
  static void load() {
    TestNetwork.assumeRoot("dumps tc filters and attaches TC programs");
    probe = TlsProbe.load(new TlsProbe.Options(1 << 16, 16, 4096));
  }

  @AfterAll
  static void unload() {
    if (probe != null) {
      probe.close();
    }
  }

  @BeforeEach
  void network() {
    net = TestNetwork.createBridged(NETWORK, 1);
    String dev = net.rootInterface(1);
    iface = new SysfsInterfaces(SysfsInterfaces.SYS_CLASS_NET).get().stream()
        .filter(i -> i.name().equals(dev)).findFirst().orElseThrow();
  }

  @AfterEach
  void cleanup() {
    if (net != null) {
      net.close();
    }
  }

  @Test
  void an_interface_without_clsact_and_an_empty_clsact_have_no_filters() throws Exception {
    assertThat(count(RtnetlinkFilters.INGRESS)).isZero();
    tc("qdisc", "add", "dev", iface.name(), "clsact");
    assertThat(count(RtnetlinkFilters.INGRESS)).isZero();
    assertThat(count(RtnetlinkFilters.EGRESS)).isZero();
  }

  @Test
  void a_foreign_filter_counts_once_on_its_hook_although_the_kernel_also_dumps_its_head() throws Exception {
    tc("qdisc", "add", "dev", iface.name(), "clsact");
    foreignFilter(iface.name());
    // tc shows two lines for it, the head and the filter: both are RTM_NEWTFILTER messages
    assertThat(tc("filter", "show", "dev", iface.name(), "ingress").lines()).hasSize(2);
    assertThat(count(RtnetlinkFilters.INGRESS)).isOne();
    assertThat(count(RtnetlinkFilters.EGRESS)).isZero();
  }

  @Test
  void a_qdisc_we_created_stays_with_the_filter_someone_added_after_us() throws Exception {
    TcAttacher.Attachment ours = new ClsactAttacher(BundledLibBpf.get(), probe::programFd).attach(iface);
    assertThat(count(RtnetlinkFilters.INGRESS)).isOne();
    assertThat(count(RtnetlinkFilters.EGRESS)).isOne();
    foreignFilter(iface.name());
    assertThat(count(RtnetlinkFilters.INGRESS)).isEqualTo(2);

    ours.detach();

    assertThat(tc("filter", "show", "dev", iface.name(), "ingress")).contains(FOREIGN).doesNotContain("k8sp_tls");
    assertThat(tc("filter", "show", "dev", iface.name(), "egress")).isBlank();
    assertThat(tc("qdisc", "show", "dev", iface.name())).contains("clsact");
  }

  @Test
  void a_qdisc_we_created_goes_when_only_our_filters_were_on_it() throws Exception {
    TcAttacher.Attachment ours = new ClsactAttacher(BundledLibBpf.get(), probe::programFd).attach(iface);
    assertThat(tc("qdisc", "show", "dev", iface.name())).contains("clsact");

    ours.detach();

    assertThat(tc("qdisc", "show", "dev", iface.name())).doesNotContain("clsact");
  }

  private int count(int parent) throws IOException {
    return RtnetlinkFilters.count(iface.ifindex(), parent);
  }

  /**
   * Someone else's filter at priority 7: classic BPF {@code ret 0} (this kernel has cls_bpf but neither u32,
   * basic nor matchall).
   */
  private static void foreignFilter(String dev) throws Exception {
    tc("filter", "add", "dev", dev, "ingress", "prio", "7", "handle", "7", "bpf", "bytecode", "1,6 0 0 0,");
    assertThat(tc("filter", "show", "dev", dev, "ingress")).contains(FOREIGN);
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
