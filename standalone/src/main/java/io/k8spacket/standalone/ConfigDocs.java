package io.k8spacket.standalone;

import io.k8spacket.agent.AgentConfig;
import io.k8spacket.query.QueryApiConfig;
import io.k8spacket.streams.StreamsAppConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code docs/config.md} from the typed config classes, so the docs list exactly what the code reads.
 * {@code ConfigDocsTest} fails when the committed file drifts; regenerate with
 * {@code java -cp 'standalone/target/classes:standalone/target/lib/*' io.k8spacket.standalone.ConfigDocs docs/config.md}.
 */
public final class ConfigDocs {
  private record Row(String name, String defaultValue, String doc) {}

  private ConfigDocs() {}

  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args.length > 0 ? args[0] : "docs/config.md"), markdown());
  }

  /** The whole document. */
  public static String markdown() {
    StringBuilder out = new StringBuilder("""
        # Configuration

        Every process reads its settings from environment variables `K8SPACKET_<AREA>_<NAME>`; a missing or blank
        variable takes its default, a bad value stops the process with one line naming the variable. Durations are
        written `500ms`, `10s`, `1m`, `2h`, `1d` (or ISO-8601). Generated from the config classes by
        `io.k8spacket.standalone.ConfigDocs`; a test fails when this file drifts from them.

        Standalone mode (`./k8spacket up`) reads these variables too; its options win for the Kafka bootstrap, the
        state directory, the metadata file and the API port.
        """);
    section(out, "Node agent (`io.k8spacket.agent.AgentMain`)", AgentConfig.settings().stream()
        .map(s -> new Row(s.name(), s.defaultValue(), s.doc())).toList());
    section(out, "Streams app (`io.k8spacket.streams.StreamsMain`)", StreamsAppConfig.settings().stream()
        .map(s -> new Row(s.env(), s.defaultValue(), s.doc())).toList());
    section(out, "Query API (runs inside the streams process)", QueryApiConfig.settings().stream()
        .map(s -> new Row(s.name(), s.defaultValue(), s.doc())).toList());
    return out.toString();
  }

  private static void section(StringBuilder out, String title, List<Row> rows) {
    out.append("\n## ").append(title).append("\n\n| variable | default | meaning |\n|---|---|---|\n");
    for (Row row : rows) {
      out.append("| `").append(row.name()).append("` | ")
          .append(row.defaultValue().isEmpty() ? "(empty)" : "`" + row.defaultValue() + "`").append(" | ")
          .append(row.doc().replace("|", "\\|")).append(" |\n");
    }
  }
}
