package io.k8spacket.agent.tc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The dump request's bytes and the reading of replies, on bytes a 6.18 kernel sent (x86-64, little-endian). */
class RtnetlinkFiltersTest {
  /**
   * {@code tc filter add dev X ingress prio 7 handle 7 bpf bytecode '1,6 0 0 0,'} on ifindex 217, dumped: the
   * filter head, then the filter, in one recv buffer.
   */
  private static final byte[] HEAD_AND_FILTER = bytes(
      // message 1: the filter head
      0x34, 0x00, 0x00, 0x00, // nlmsg_len 52
      0x2c, 0x00, // nlmsg_type RTM_NEWTFILTER
      0x02, 0x00, // nlmsg_flags NLM_F_MULTI
      0x01, 0x00, 0x00, 0x00, // nlmsg_seq 1
      0x08, 0x4f, 0x00, 0x00, // nlmsg_pid (our port id)
      0x00, // tcm_family AF_UNSPEC
      0x00, 0x00, 0x00, // tcm__pad1, tcm__pad2
      0xd9, 0x00, 0x00, 0x00, // tcm_ifindex 217
      0x00, 0x00, 0x00, 0x00, // tcm_handle 0: a head
      0xf2, 0xff, 0xff, 0xff, // tcm_parent clsact ingress
      0x00, 0x03, 0x07, 0x00, // tcm_info: protocol htons(ETH_P_ALL), priority 7
      0x08, 0x00, 0x01, 0x00, 0x62, 0x70, 0x66, 0x00, // TCA_KIND "bpf"
      0x08, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, // TCA_CHAIN 0
      // message 2: the filter
      0x54, 0x00, 0x00, 0x00, // nlmsg_len 84
      0x2c, 0x00, // nlmsg_type RTM_NEWTFILTER
      0x02, 0x00, // nlmsg_flags NLM_F_MULTI
      0x01, 0x00, 0x00, 0x00, // nlmsg_seq 1
      0x08, 0x4f, 0x00, 0x00, // nlmsg_pid
      0x00, // tcm_family
      0x00, 0x00, 0x00, // tcm__pad1, tcm__pad2
      0xd9, 0x00, 0x00, 0x00, // tcm_ifindex 217
      0x07, 0x00, 0x00, 0x00, // tcm_handle 7
      0xf2, 0xff, 0xff, 0xff, // tcm_parent clsact ingress
      0x00, 0x03, 0x07, 0x00, // tcm_info: protocol all, priority 7
      0x08, 0x00, 0x01, 0x00, 0x62, 0x70, 0x66, 0x00, // TCA_KIND "bpf"
      0x08, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, // TCA_CHAIN 0
      0x20, 0x00, 0x02, 0x00, // TCA_OPTIONS, 32 bytes:
      0x06, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, //   TCA_BPF_OPS_LEN 1 (+ 2 padding bytes)
      0x0c, 0x00, 0x05, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //   TCA_BPF_OPS: ret 0
      0x08, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x00); //   TCA_BPF_FLAGS_GEN not_in_hw

  /** The dump's end, in a second recv buffer. */
  private static final byte[] DONE = bytes(
      0x14, 0x00, 0x00, 0x00, // nlmsg_len 20
      0x03, 0x00, // nlmsg_type NLMSG_DONE
      0x02, 0x00, // nlmsg_flags NLM_F_MULTI
      0x01, 0x00, 0x00, 0x00, // nlmsg_seq 1
      0x08, 0x4f, 0x00, 0x00, // nlmsg_pid
      0x00, 0x00, 0x00, 0x00); // the dump's result 0

  @Test
  void the_request_asks_for_a_dump_of_one_hook_of_one_interface() {
    assertThat(RtnetlinkFilters.request(217, RtnetlinkFilters.EGRESS)).containsExactly(bytes(
        0x24, 0x00, 0x00, 0x00, // nlmsg_len 36
        0x2e, 0x00, // nlmsg_type RTM_GETTFILTER
        0x01, 0x03, // nlmsg_flags NLM_F_REQUEST | NLM_F_DUMP
        0x01, 0x00, 0x00, 0x00, // nlmsg_seq 1
        0x00, 0x00, 0x00, 0x00, // nlmsg_pid 0
        0x00, 0x00, 0x00, 0x00, // tcm_family AF_UNSPEC, tcm__pad1, tcm__pad2
        0xd9, 0x00, 0x00, 0x00, // tcm_ifindex 217
        0x00, 0x00, 0x00, 0x00, // tcm_handle 0
        0xf3, 0xff, 0xff, 0xff, // tcm_parent clsact egress
        0x00, 0x00, 0x00, 0x00)); // tcm_info 0
  }

  @Test
  void a_filter_and_its_head_count_as_one_filter() throws IOException {
    RtnetlinkFilters.Dump dump = new RtnetlinkFilters.Dump();
    dump.accept(le(HEAD_AND_FILTER));
    assertThat(dump.done).isFalse();
    dump.accept(le(DONE));
    assertThat(dump.done).isTrue();
    assertThat(dump.count()).isOne();
  }

  @Test
  void an_empty_hook_dumps_only_the_end() throws IOException {
    RtnetlinkFilters.Dump dump = new RtnetlinkFilters.Dump();
    dump.accept(le(DONE));
    assertThat(dump.done).isTrue();
    assertThat(dump.count()).isZero();
  }

  @Test
  void a_head_without_a_filter_counts_so_the_qdisc_is_kept() throws IOException {
    RtnetlinkFilters.Dump dump = new RtnetlinkFilters.Dump();
    dump.accept(le(Arrays.copyOf(HEAD_AND_FILTER, 52)));
    assertThat(dump.count()).isOne();
  }

  @Test
  void a_second_filter_at_another_handle_counts_and_a_repeated_one_does_not() throws IOException {
    byte[] other = Arrays.copyOfRange(HEAD_AND_FILTER, 52, HEAD_AND_FILTER.length);
    other[16 + 8] = 0x08; // tcm_handle 8
    RtnetlinkFilters.Dump dump = new RtnetlinkFilters.Dump();
    dump.accept(le(concat(HEAD_AND_FILTER, other, Arrays.copyOfRange(HEAD_AND_FILTER, 52, 136), DONE)));
    assertThat(dump.done).isTrue();
    assertThat(dump.count()).isEqualTo(2);
  }

  @Test
  void a_kernel_error_is_thrown_with_its_errno() {
    byte[] error = Arrays.copyOf(DONE, 36); // NLMSG_ERROR carries the request's header after the error code
    error[0] = 36; // nlmsg_len
    error[4] = 0x02; // nlmsg_type NLMSG_ERROR
    error[16] = (byte) 0xea; // -22: EINVAL
    error[17] = error[18] = error[19] = (byte) 0xff;
    assertThatThrownBy(() -> new RtnetlinkFilters.Dump().accept(le(error)))
        .isInstanceOf(IOException.class).hasMessageContaining("errno 22");
  }

  @Test
  void a_truncated_message_is_an_error_not_an_empty_hook() {
    assertThatThrownBy(() -> new RtnetlinkFilters.Dump().accept(le(Arrays.copyOf(HEAD_AND_FILTER, 40))))
        .isInstanceOf(IOException.class).hasMessageContaining("malformed");
  }

  @Test
  void an_interrupted_dump_is_an_error() {
    byte[] interrupted = HEAD_AND_FILTER.clone();
    interrupted[6] |= 0x10; // NLM_F_DUMP_INTR
    assertThatThrownBy(() -> new RtnetlinkFilters.Dump().accept(le(interrupted)))
        .isInstanceOf(IOException.class).hasMessageContaining("interrupted");
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    Arrays.stream(parts).forEach(b::put);
    return b.array();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
