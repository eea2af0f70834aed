package io.k8spacket.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.k8spacket.agent.bpf.LibBpf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the BPF programs attached to a network device, asked of the kernel: TCX links with the
 * {@code BPF_PROG_QUERY} syscall (this machine's bpftool 7.1 does not list TCX yet), clsact filters with
 * {@code bpftool net show}; each program's name from {@code bpftool prog show id}.
 */
final class AttachedPrograms {
  private static final long SYS_BPF = 321; // x86_64
  private static final int BPF_PROG_QUERY = 16;
  private static final int MAX_IDS = 64;
  private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\"");

  private interface Sys extends Library {
    Sys INSTANCE = Native.load("c", Sys.class);

    long syscall(long number, Object... args);
  }

  private AttachedPrograms() {}

  /** Names of every program on {@code device}: TCX ingress, TCX egress, then clsact filters. */
  static List<String> on(String device) throws Exception {
    int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", device, "ifindex")).trim());
    List<String> names = new ArrayList<>();
    for (int attachType : new int[] {LibBpf.BPF_TCX_INGRESS, LibBpf.BPF_TCX_EGRESS}) {
      for (int id : tcxProgramIds(ifindex, attachType)) {
        names.add(single(NAME, bpftool("prog", "show", "id", String.valueOf(id))));
      }
    }
    Matcher m = NAME.matcher(bpftool("net", "show", "dev", device));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** {@code BPF_PROG_QUERY} on an ifindex: the ids of the programs linked there, in order. */
  private static List<Integer> tcxProgramIds(int ifindex, int attachType) {
    Memory ids = new Memory(4L * MAX_IDS);
    Memory attr = new Memory(64); // union bpf_attr, query part
    attr.clear();
    attr.setInt(0, ifindex); // target_ifindex
    attr.setInt(4, attachType);
    attr.setLong(16, Pointer.nativeValue(ids)); // prog_ids
    attr.setInt(24, MAX_IDS); // prog_cnt
    long rc = Sys.INSTANCE.syscall(SYS_BPF, BPF_PROG_QUERY, attr, 64);
    assertThat(rc).as("BPF_PROG_QUERY ifindex %d type %d: errno %d", ifindex, attachType, Native.getLastError())
        .isZero();
    List<Integer> result = new ArrayList<>();
    for (int i = 0; i < attr.getInt(24); i++) {
      result.add(ids.getInt(4L * i));
    }
    return result;
  }

  private static String bpftool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bpftool", "-j"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", command, out).isZero();
    return out;
  }

  private static String single(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
    return m.group(1);
  }
}
