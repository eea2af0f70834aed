package io.k8spacket.agent.tc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following interfaces over a made-up /sys/class/net and a recording attacher: no root, no kernel. */
class InterfaceFollowerTest {
  @TempDir
  Path sys;
  private final RecordingAttacher attacher = new RecordingAttacher();

  @Test
  void matching_interfaces_of_known_link_types_are_attached_once() throws IOException {
    iface("lo", 1, 772);
    iface("eth0", 2, 1);
    iface("veth1a2b", 7, 1);
    iface("docker0", 3, 1);
    iface("wg0", 9, 65534);
    iface("tunl0", 10, 768); // IPIP: no program variant for it

    InterfaceFollower follower = follower("^(veth|eth|wg|tun)");
    follower.poll();
    follower.poll();

    assertThat(attacher.log).containsExactly("attach eth0(ifindex 2)", "attach veth1a2b(ifindex 7)",
        "attach wg0(ifindex 9)");
    assertThat(follower.attachedCount()).isEqualTo(3);
    assertThat(follower.attachedNames()).containsExactlyInAnyOrder("eth0", "veth1a2b", "wg0");
  }

  @Test
  void a_vanished_interface_is_detached_and_a_recreated_one_attached_again() throws IOException {
    iface("veth1", 7, 1);
    iface("veth2", 8, 1);
    InterfaceFollower follower = follower("^veth");
    follower.poll();

    delete("veth1");
    follower.poll();
    assertThat(follower.attachedCount()).isEqualTo(1);

    delete("veth2");
    iface("veth2", 12, 1); // same name, new device
    follower.poll();

    assertThat(attacher.log).containsExactly("attach veth1(ifindex 7)", "attach veth2(ifindex 8)",
        "detach veth1(ifindex 7)", "detach veth2(ifindex 8)", "attach veth2(ifindex 12)");
    assertThat(follower.attachedNames()).containsExactly("veth2");
  }

  @Test
  void an_operstate_change_is_not_a_new_interface() throws IOException {
    iface("veth1", 7, 1);
    InterfaceFollower follower = follower("^veth");
    follower.poll();

    Files.writeString(sys.resolve("veth1/operstate"), "up\n");
    follower.poll();

    assertThat(attacher.log).containsExactly("attach veth1(ifindex 7)");
  }

  @Test
  void a_refused_interface_is_tried_again_each_poll_and_close_detaches_everything() throws IOException {
    iface("veth1", 7, 1);
    iface("veth2", 8, 1);
    attacher.refuse.add("veth2");
    InterfaceFollower follower = follower("^veth");
    follower.poll();
    follower.poll();
    assertThat(follower.attachedCount()).isEqualTo(1);

    attacher.refuse.clear();
    follower.poll();
    follower.close();
    follower.poll(); // after close: nothing happens

    assertThat(attacher.log).containsExactly("attach veth1(ifindex 7)", "refused veth2(ifindex 8)",
        "refused veth2(ifindex 8)", "attach veth2(ifindex 8)", "detach veth1(ifindex 7)",
        "detach veth2(ifindex 8)");
    assertThat(follower.attachedCount()).isZero();
  }

  private InterfaceFollower follower(String pattern) {
    return new InterfaceFollower(new SysfsInterfaces(sys), Pattern.compile(pattern), attacher);
  }

  private void iface(String name, int ifindex, int type) throws IOException {
    Path dir = Files.createDirectories(sys.resolve(name));
    Files.writeString(dir.resolve("ifindex"), ifindex + "\n");
    Files.writeString(dir.resolve("type"), type + "\n");
    Files.writeString(dir.resolve("operstate"), "down\n");
  }

  private void delete(String name) throws IOException {
    try (Stream<Path> files = Files.walk(sys.resolve(name))) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Records attach and detach calls in order; refuses the names in {@code refuse}. */
  private static final class RecordingAttacher implements TcAttacher {
    final List<String> log = new ArrayList<>();
    final Set<String> refuse = new HashSet<>();

    @Override
    public Attachment attach(NetInterface iface) {
      if (refuse.contains(iface.name())) {
        log.add("refused " + iface);
        throw new AttachException("no", 1);
      }
      log.add("attach " + iface);
      return () -> log.add("detach " + iface);
    }

    @Override
    public String kind() {
      return "recording";
    }
  }
}
