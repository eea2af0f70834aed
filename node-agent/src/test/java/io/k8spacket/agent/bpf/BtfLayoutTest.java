package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.agent.event.TcpConnection.CloseKind;
import io.k8spacket.agent.event.TcpEventDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holds the Java decoder to the compiled BPF object: every field name, offset and size of
 * {@code struct k8sp_tcp_event} in the object's BTF must equal the decoder's constants. Needs no root (BTF is
 * parsed in user space by the bundled libbpf).
 */
class BtfLayoutTest {
  private ObjectBtf object;

  @BeforeEach
  void parseObject() throws Exception {
    object = ObjectBtf.parse(TcpProbe.OBJECT_RESOURCE);
  }

  @AfterEach
  void free() {
    object.close();
  }

  @Test
  void decoder_offsets_match_the_compiled_struct() {
    object.assertLayout(TcpEventDecoder.C_STRUCT, TcpEventDecoder.LAYOUT, TcpEventDecoder.SIZE);
  }

  @Test
  void the_loopback_knob_is_a_one_byte_rodata_variable() {
    assertThat(object.rodata(TcpProbe.IGNORE_LOOPBACK).size()).isEqualTo(1);
  }

  @Test
  void kernel_counter_indexes_and_close_kinds_match_the_header() throws Exception {
    assertThat(ObjectBtf.headerConstants())
        .containsEntry("K8SP_TCP_EVENTS", KernelCounters.EVENTS)
        .containsEntry("K8SP_TCP_RINGBUF_DROPS", KernelCounters.RINGBUF_DROPS)
        .containsEntry("K8SP_TCP_UNTRACKED_CLOSE", KernelCounters.UNTRACKED_CLOSE)
        .containsEntry("K8SP_TCP_SOCKETS_SEEN", KernelCounters.SOCKETS_SEEN)
        .containsEntry("K8SP_TCP_REPORTS", KernelCounters.REPORTS)
        .containsEntry("K8SP_TCP_COUNTER_MAX", KernelCounters.COUNT)
        .containsEntry("K8SP_CLOSE_NORMAL", CloseKind.NORMAL.ordinal() + 1)
        .containsEntry("K8SP_CLOSE_RESET", CloseKind.RESET.ordinal() + 1)
        .containsEntry("K8SP_CLOSE_NEVER_ESTABLISHED", CloseKind.NEVER_ESTABLISHED.ordinal() + 1)
        .containsEntry("K8SP_STILL_OPEN", CloseKind.OPEN.ordinal() + 1);
  }

  @Test
  void the_bundled_library_is_libbpf_1() {
    assertThat(BundledLibBpf.get().libbpf_major_version()).isEqualTo(1);
    assertThat(BundledLibBpf.get().libbpf_minor_version()).isGreaterThanOrEqualTo(1);
  }
}
