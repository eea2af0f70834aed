package io.k8spacket.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every key of values.yaml has a "# --" comment and a row in the chart README's table with its default. */
class ValuesDocumentationTest {
  private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z_][A-Za-z0-9_]*):(.*)$");
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `(.*)` \\| (.+) \\|$");

  @Test
  void every_key_is_documented_or_is_a_section_of_documented_keys() throws IOException {
    List<String> undocumented = new ArrayList<>();
    List<String> lines = Files.readAllLines(Helm.chart().resolve("values.yaml"));
    for (Key k : keys(lines)) {
      boolean section = k.rest().isBlank() && k.index() + 1 < lines.size() && nextKeyIsDeeper(lines, k);
      if (!k.documented() && !section) {
        undocumented.add(k.path());
      }
    }
    assertThat(undocumented).as("keys without a '# --' comment").isEmpty();
  }

  @Test
  void the_readme_table_lists_every_documented_key_with_its_default_and_nothing_else() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Helm.chart().resolve("README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.put(m.group(1), m.group(2));
      }
    }
    Object values = Rendered.YAML.readValue(Helm.chart().resolve("values.yaml").toFile(), Object.class);
    ObjectMapper json = new ObjectMapper();
    Map<String, String> expected = new LinkedHashMap<>();
    for (Key k : keys(Files.readAllLines(Helm.chart().resolve("values.yaml")))) {
      if (k.documented()) {
        expected.put(k.path(), json.writeValueAsString(Rendered.at(values, k.path())));
      }
    }
    assertThat(rows).containsExactlyEntriesOf(expected);
  }

  /** A key line; {@code inValue} = under a documented key, i.e. part of that key's default value. */
  private record Key(int index, String path, String rest, boolean documented, boolean inValue) {}

  private static List<Key> keys(List<String> lines) {
    List<Key> out = new ArrayList<>();
    List<String> stack = new ArrayList<>();
    List<Boolean> documentedStack = new ArrayList<>();
    boolean documented = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        documented = false;
        continue;
      }
      if (trimmed.startsWith("#")) {
        documented |= trimmed.startsWith("# --");
        continue;
      }
      Matcher m = KEY.matcher(line);
      if (!m.matches()) {
        documented = false;
        continue;
      }
      int depth = m.group(1).length() / 2;
      while (stack.size() > depth) {
        stack.remove(stack.size() - 1);
        documentedStack.remove(documentedStack.size() - 1);
      }
      boolean inValue = documentedStack.contains(true);
      stack.add(m.group(2));
      documentedStack.add(documented);
      if (!inValue) {
        out.add(new Key(i, String.join(".", stack), m.group(3), documented, false));
      }
      documented = false;
    }
    return out;
  }

  private static boolean nextKeyIsDeeper(List<String> lines, Key k) {
    int indent = lines.get(k.index()).indexOf(k.path().substring(k.path().lastIndexOf('.') + 1));
    for (int i = k.index() + 1; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank() || l.strip().startsWith("#")) {
        continue;
      }
      Matcher m = KEY.matcher(l);
      return m.matches() && m.group(1).length() > indent;
    }
    return false;
  }
}
