package io.k8spacket.standalone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Options of {@code ./k8spacket demo}: those of {@code up} except {@code --metadata} (the demo writes its own
 * file), and when the batch job's pod IP is handed to a new pod.
 *
 * @param dataDir broker and streams data, the demo's metadata file and certificates
 */
public record DemoOptions(int httpPort, int kafkaPort, Path dataDir, Duration handoffAfter) {
  public static final Path DEFAULT_DATA_DIR = Path.of(".k8spacket", "demo");
  public static final Duration DEFAULT_HANDOFF = Duration.ofMinutes(3);

  public DemoOptions {
    if (handoffAfter.isNegative()) {
      throw new IllegalArgumentException("--handoff-after must not be negative");
    }
  }

  /** Parses the arguments after {@code demo}; a bad argument throws with a message naming it. */
  public static DemoOptions parse(List<String> args) {
    Duration handoff = DEFAULT_HANDOFF;
    List<String> up = new java.util.ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--metadata")) {
        throw new IllegalArgumentException("demo writes its own metadata file; --metadata is for up");
      }
      if (flag.equals("--handoff-after")) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("--handoff-after needs a value");
        }
        handoff = Durations.parse("--handoff-after", args.get(++i));
      } else {
        up.add(flag);
      }
    }
    boolean dataDirGiven = up.contains("--data-dir");
    UpOptions options = UpOptions.parse(up);
    return new DemoOptions(options.httpPort(), options.kafkaPort(),
        dataDirGiven ? options.dataDir() : DEFAULT_DATA_DIR, handoff);
  }

  /** The options {@code up} runs with, naming endpoints from the demo's metadata file. */
  UpOptions upOptions(Path metadataFile) {
    return new UpOptions(Optional.of(metadataFile), httpPort, kafkaPort, dataDir);
  }
}
