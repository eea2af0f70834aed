package io.k8spacket.standalone.observe;

import io.k8spacket.standalone.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Options of {@code ./k8spacket observe}.
 *
 * @param bootstrap Kafka bootstrap servers; the standalone broker by default
 * @param namespace keeps a record when the pattern is found in the client's or the server's namespace
 * @param workload keeps a record when the pattern is found in the client's or the server's workload or name
 * @param since replay records from this long ago; empty = only records that arrive from now on
 * @param kafkaConfig Java properties file of extra consumer settings (security.protocol, ssl.*, sasl.*)
 */
public record ObserveOptions(String bootstrap, Optional<Pattern> namespace, Optional<Pattern> workload,
    Optional<Duration> since, Format format, Optional<Path> kafkaConfig) {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  /** Text lines for people, or one JSON object per line for programs. */
  public enum Format { TEXT, JSON }

  /** Parses the arguments after {@code observe}; a bad argument throws with a message naming it. */
  public static ObserveOptions parse(List<String> args) {
    String bootstrap = DEFAULT_BOOTSTRAP;
    Optional<Pattern> namespace = Optional.empty();
    Optional<Pattern> workload = Optional.empty();
    Optional<Duration> since = Optional.empty();
    Format format = Format.TEXT;
    Optional<Path> kafkaConfig = Optional.empty();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
            : "unexpected argument '" + flag + "'");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--bootstrap" -> bootstrap = value;
        case "--namespace" -> namespace = Optional.of(pattern(flag, value));
        case "--workload" -> workload = Optional.of(pattern(flag, value));
        case "--since" -> since = Optional.of(Durations.parse(flag, value));
        case "--output", "-o" -> format = switch (value) {
          case "text" -> Format.TEXT;
          case "json" -> Format.JSON;
          default -> throw new IllegalArgumentException("--output must be text or json, not '" + value + "'");
        };
        case "--kafka-config" -> kafkaConfig = Optional.of(Path.of(value));
        default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
      }
    }
    return new ObserveOptions(bootstrap, namespace, workload, since, format, kafkaConfig);
  }

  private static Pattern pattern(String flag, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(flag + " is not a regular expression: " + e.getDescription());
    }
  }
}
