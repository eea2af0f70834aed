package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.agent.event.TcpEventDecoder;
import java.util.List;
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
  void kernel_counter_indexes_fit_the_enum() {
    assertThat(List.of(KernelCounters.EVENTS, KernelCounters.RINGBUF_DROPS, KernelCounters.UNTRACKED_CLOSE,
        KernelCounters.SOCKETS_SEEN)).containsExactly(0, 1, 2, 3);
    assertThat(KernelCounters.COUNT).isEqualTo(4);
  }

  @Test
  void the_bundled_library_is_libbpf_1() {
    assertThat(BundledLibBpf.get().libbpf_major_version()).isEqualTo(1);
    assertThat(BundledLibBpf.get().libbpf_minor_version()).isGreaterThanOrEqualTo(1);
  }
}
