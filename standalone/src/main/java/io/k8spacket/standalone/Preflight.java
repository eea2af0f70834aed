package io.k8spacket.standalone;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks made before anything starts, each failing with one line that says what is wrong and what to do.
 * Kernel features (BTF, ring buffer) are checked by the agent's own preflight.
 */
final class Preflight {
  private Preflight() {}

  /** Throws {@link PreflightException} naming the first problem found. */
  static void check(UpOptions options) {
    requireRoot();
    requireFreePorts(options);
  }

  static void requireFreePorts(UpOptions options) {
    requireFreePort(options.httpPort(), "--http-port", null);
    requireFreePort(options.kafkaPort(), "--kafka-port", InetAddress.getLoopbackAddress());
  }

  static void requireRoot() {
    if (effectiveUid() != 0) {
      throw new PreflightException("not running as root: loading eBPF programs needs CAP_BPF, "
          + "CAP_PERFMON and CAP_NET_ADMIN (try: sudo ./k8spacket up)");
    }
  }

  /** Effective uid from /proc/self/status ("Uid: real effective saved fs"); -1 if unreadable. */
  static int effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static void requireFreePort(int port, String flag, InetAddress address) {
    if (port != 0 && !isFree(port, address)) {
      throw new PreflightException("port " + port + " is in use; choose another with " + flag);
    }
  }

  /** Whether {@code port} can be bound on {@code address} (null = every address) right now. */
  static boolean isFree(int port, InetAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A condition that stops the launch; its message is the whole story. */
  static final class PreflightException extends RuntimeException {
    PreflightException(String message) {
      super(message);
    }
  }
}
