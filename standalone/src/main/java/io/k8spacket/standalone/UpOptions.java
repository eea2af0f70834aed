package io.k8spacket.standalone;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Options of {@code ./k8spacket up}.
 *
 * @param metadataFile YAML file naming IPs, watched while running; empty = every IP shows as itself
 */
public record UpOptions(Optional<Path> metadataFile, int httpPort, int kafkaPort, Path dataDir) {
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final Path DEFAULT_DATA_DIR = Path.of(".k8spacket");

  public UpOptions {
    checkPort("--http-port", httpPort);
    checkPort("--kafka-port", kafkaPort);
  }

  /** Parses the arguments after {@code up}; a bad argument throws with a message naming it. */
  public static UpOptions parse(List<String> args) {
    Optional<Path> metadata = Optional.empty();
    int http = DEFAULT_HTTP_PORT;
    int kafka = DEFAULT_KAFKA_PORT;
    Path data = DEFAULT_DATA_DIR;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument '" + flag + "'");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--metadata" -> metadata = Optional.of(Path.of(value));
        case "--http-port" -> http = port(flag, value);
        case "--kafka-port" -> kafka = port(flag, value);
        case "--data-dir" -> data = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
      }
    }
    return new UpOptions(metadata, http, kafka, data);
  }

  private static int port(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a port number, not '" + value + "'");
    }
  }

  private static void checkPort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + " must be between 0 and 65535, not " + port);
    }
  }
}
