package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8spacket.agent.event.TlsChunkDecoder;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holds the TLS chunk decoder to the compiled {@code tls.bpf.o}: every field name, offset and size of
 * {@code struct k8sp_tls_chunk} in the object's BTF must equal the decoder's constants, and the loader's knob
 * must be where the loader writes it. Needs no root.
 */
class TlsBtfLayoutTest {
  private ObjectBtf object;

  @BeforeEach
  void parseObject() throws Exception {
    object = ObjectBtf.parse(TlsProbe.OBJECT_RESOURCE);
  }

  @AfterEach
  void free() {
    object.close();
  }

  @Test
  void decoder_offsets_match_the_compiled_struct() {
    object.assertLayout(TlsChunkDecoder.C_STRUCT, TlsChunkDecoder.LAYOUT, TlsChunkDecoder.SIZE);
  }

  @Test
  void the_flow_budget_knob_is_a_four_byte_rodata_variable() {
    assertThat(object.rodata(TlsProbe.FLOW_BUDGET).size()).isEqualTo(4);
  }

  @Test
  void counter_indexes_flags_and_limits_match_the_header() throws Exception {
    Map<String, Integer> header = ObjectBtf.headerConstants();

    assertThat(header).containsEntry("K8SP_TLS_PACKETS", TlsProbe.PACKETS)
        .containsEntry("K8SP_TLS_FLOWS", TlsProbe.FLOWS)
        .containsEntry("K8SP_TLS_CHUNKS", TlsProbe.CHUNKS)
        .containsEntry("K8SP_TLS_RINGBUF_DROPS", TlsProbe.RINGBUF_DROPS)
        .containsEntry("K8SP_TLS_TRUNCATIONS", TlsProbe.TRUNCATIONS)
        .containsEntry("K8SP_TLS_GAPS", TlsProbe.GAPS)
        .containsEntry("K8SP_TLS_COUNTER_MAX", TlsProbe.COUNTERS)
        .containsEntry("K8SP_TLS_FLAG_START", TlsChunkDecoder.FLAG_START)
        .containsEntry("K8SP_TLS_FLAG_TRUNCATED", TlsChunkDecoder.FLAG_TRUNCATED)
        .containsEntry("K8SP_TLS_MAX_CAP", TlsChunkDecoder.MAX_CAP)
        .containsEntry("K8SP_TLS_INGRESS", 1)
        .containsEntry("K8SP_TLS_EGRESS", 2);
  }

  @Test
  void program_names_fit_the_kernel_name_limit_and_share_the_prefix() {
    for (TlsProbe.Framing framing : TlsProbe.Framing.values()) {
      for (TlsProbe.Hook hook : TlsProbe.Hook.values()) {
        assertThat(TlsProbe.programName(framing, hook)).startsWith(TlsProbe.PROGRAM_PREFIX).hasSizeLessThan(16);
      }
    }
  }
}
