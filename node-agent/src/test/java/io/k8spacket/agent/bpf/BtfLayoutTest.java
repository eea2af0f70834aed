package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Pointer;
import io.k8spacket.agent.event.TcpEventDecoder;
import java.net.URL;
import java.nio.file.Path;
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
  private final LibBpf lib = BundledLibBpf.get();
  private Pointer btf;

  @BeforeEach
  void parseObject() throws Exception {
    URL object = getClass().getClassLoader().getResource(TcpProbe.OBJECT_RESOURCE);
    assertThat(object).as("target/classes/" + TcpProbe.OBJECT_RESOURCE).isNotNull();
    btf = lib.btf__parse(Path.of(object.toURI()).toString(), null);
    assertThat(btf).as("btf__parse of " + object).isNotNull();
  }

  @AfterEach
  void free() {
    lib.btf__free(btf);
  }

  @Test
  void decoder_offsets_match_the_compiled_struct() {
    Btf.Struct struct = new Btf(lib, btf).struct(TcpEventDecoder.C_STRUCT).orElseThrow();

    List<TcpEventDecoder.Field> fromBtf = struct.members().stream()
        .map(m -> new TcpEventDecoder.Field(m.name(), m.offset(), m.size())).toList();
    assertThat(fromBtf).containsExactlyElementsOf(TcpEventDecoder.LAYOUT);
    assertThat(struct.size()).isEqualTo(TcpEventDecoder.SIZE);
  }

  @Test
  void the_loopback_knob_is_a_one_byte_rodata_variable() {
    Btf.Variable knob = new Btf(lib, btf).variable(".rodata", TcpProbe.IGNORE_LOOPBACK).orElseThrow();

    assertThat(knob.size()).isEqualTo(1);
  }

  @Test
  void kernel_counter_indexes_fit_the_enum() {
    assertThat(List.of(KernelCounters.EVENTS, KernelCounters.RINGBUF_DROPS, KernelCounters.UNTRACKED_CLOSE,
        KernelCounters.SOCKETS_SEEN)).containsExactly(0, 1, 2, 3);
    assertThat(KernelCounters.COUNT).isEqualTo(4);
  }

  @Test
  void the_bundled_library_is_libbpf_1() {
    assertThat(lib.libbpf_major_version()).isEqualTo(1);
    assertThat(lib.libbpf_minor_version()).isGreaterThanOrEqualTo(1);
  }
}
