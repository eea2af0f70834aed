package io.k8spacket.standalone;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreflightTest {
  @Test
  void a_taken_http_port_is_named_with_the_option_to_change() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> Preflight.requireFreePorts(new UpOptions(Optional.empty(), port, 0, Path.of("x"))))
          .isInstanceOf(Preflight.PreflightException.class)
          .hasMessage("port " + port + " is in use; choose another with --http-port");
    }
  }

  @Test
  void a_taken_kafka_port_is_named_with_the_option_to_change() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> Preflight.requireFreePorts(new UpOptions(Optional.empty(), 0, port, Path.of("x"))))
          .hasMessage("port " + port + " is in use; choose another with --kafka-port");
    }
  }

  @Test
  void free_ports_pass() {
    assertThatCode(() -> Preflight.requireFreePorts(new UpOptions(Optional.empty(), 0, 0, Path.of("x"))))
        .doesNotThrowAnyException();
  }
}
