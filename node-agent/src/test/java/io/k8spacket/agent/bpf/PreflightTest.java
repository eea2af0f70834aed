package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8spacket.agent.AgentStartupException;
import org.junit.jupiter.api.Test;

class PreflightTest {
  private static final long ROOT = 0x1ff_ffff_ffffL;
  private static final long BPF_AND_PERFMON = 1L << 39 | 1L << 38;

  @Test
  void a_current_kernel_with_btf_and_root_passes() {
    assertThatCode(() -> Preflight.check(new HostFacts("6.18.0-1-amd64", true, ROOT))).doesNotThrowAnyException();
  }

  @Test
  void cap_bpf_and_cap_perfmon_are_enough() {
    assertThatCode(() -> Preflight.check(new HostFacts("5.15.0", true, BPF_AND_PERFMON)))
        .doesNotThrowAnyException();
  }

  @Test
  void an_old_kernel_names_the_missing_socket_storage() {
    assertThatThrownBy(() -> Preflight.check(new HostFacts("5.4.0-150-generic", true, ROOT)))
        .isInstanceOf(AgentStartupException.class)
        .hasMessage("kernel 5.4 is older than 5.11: socket storage from tracing programs missing");
  }

  @Test
  void missing_btf_names_the_kernel_option() {
    assertThatThrownBy(() -> Preflight.check(new HostFacts("6.1.0", false, ROOT)))
        .isInstanceOf(AgentStartupException.class)
        .hasMessage("kernel BTF not found at /sys/kernel/btf/vmlinux: the TCP probe needs CONFIG_DEBUG_INFO_BTF");
  }

  @Test
  void cap_bpf_alone_is_not_enough() {
    assertThatThrownBy(() -> Preflight.check(new HostFacts("6.1.0", true, 1L << 39)))
        .isInstanceOf(AgentStartupException.class)
        .hasMessage("not root / missing CAP_BPF+CAP_PERFMON (effective capabilities 0x8000000000)");
  }

  @Test
  void kernel_versions_parse_major_and_minor() {
    assertThat(new HostFacts("6.18.0-1-amd64", true, 0).kernelVersion()).isEqualTo(6018);
    assertThat(new HostFacts("weird", true, 0).kernelVersion()).isEqualTo(-1);
  }

  @Test
  void tls_capture_needs_cap_net_admin_and_says_how_to_turn_it_off() {
    assertThatCode(() -> Preflight.checkTls(new HostFacts("6.18.0", true, ROOT))).doesNotThrowAnyException();
    assertThatThrownBy(() -> Preflight.checkTls(new HostFacts("6.18.0", true, BPF_AND_PERFMON)))
        .isInstanceOf(AgentStartupException.class)
        .hasMessage("TLS capture needs CAP_NET_ADMIN to attach to interfaces (effective capabilities 0xc000000000);"
            + " grant it or set K8SPACKET_AGENT_TLS_ENABLED=false");
  }
}
