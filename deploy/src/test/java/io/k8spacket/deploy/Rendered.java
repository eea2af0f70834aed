package io.k8spacket.deploy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The objects of one {@code helm template} run, parsed from its multi-document YAML. */
final class Rendered {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One rendered object, with dotted-path access ({@code spec.template.spec}). */
  record Manifest(Map<String, Object> body) {
    Manifest {
      Objects.requireNonNull(body, "body");
    }

    String kind() {
      return string("kind");
    }

    String name() {
      return string("metadata.name");
    }

    Object at(String path) {
      return Rendered.at(body, path);
    }

    String string(String path) {
      Object v = at(path);
      return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String path) {
      Object v = at(path);
      return v == null ? Map.of() : (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String path) {
      Object v = at(path);
      return v == null ? List.of() : (List<Map<String, Object>>) v;
    }

    @Override
    public String toString() {
      return kind() + "/" + name();
    }
  }

  private final List<Manifest> manifests;

  private Rendered(List<Manifest> manifests) {
    this.manifests = List.copyOf(manifests);
  }

  @SuppressWarnings("unchecked")
  static Rendered parse(String yaml) {
    List<Manifest> out = new ArrayList<>();
    try (MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(yaml)) {
      while (docs.hasNext()) {
        Object doc = docs.next();
        if (doc instanceof Map<?, ?> m && !m.isEmpty()) {
          out.add(new Manifest((Map<String, Object>) m));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm template printed invalid YAML", e);
    }
    return new Rendered(out);
  }

  List<Manifest> all() {
    return manifests;
  }

  List<Manifest> ofKind(String kind) {
    return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
  }

  /** The one object of this kind and name; fails when absent. */
  Manifest get(String kind, String name) {
    return manifests.stream().filter(m -> kind.equals(m.kind()) && name.equals(m.name())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + manifests));
  }

  /** The one object of this kind; fails when there are none or several. */
  Manifest only(String kind) {
    List<Manifest> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found);
    }
    return found.get(0);
  }

  List<String> kinds() {
    return manifests.stream().map(Manifest::kind).toList();
  }

  /** The named container's spec in a workload's pod template. */
  static Map<String, Object> container(Manifest workload, String name) {
    return workload.list("spec.template.spec.containers").stream().filter(c -> name.equals(c.get("name")))
        .findFirst().orElseThrow(() -> new AssertionError(workload + " has no container " + name));
  }

  /** The value of a container's env entry (null when absent or from valueFrom). */
  static String env(Map<String, Object> container, String name) {
    return envEntries(container).stream().filter(e -> name.equals(e.get("name"))).findFirst()
        .map(e -> e.get("value") == null ? null : e.get("value").toString()).orElse(null);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> envEntries(Map<String, Object> container) {
    Object env = container.get("env");
    return env == null ? List.of() : (List<Map<String, Object>>) env;
  }

  /** Dotted path into nested maps; a numeric segment indexes a list. */
  @SuppressWarnings("unchecked")
  static Object at(Object node, String path) {
    Object cur = node;
    for (String seg : path.split("\\.")) {
      if (cur instanceof Map<?, ?> m) {
        cur = ((Map<String, Object>) m).get(seg);
      } else if (cur instanceof List<?> l && seg.matches("\\d+")) {
        int i = Integer.parseInt(seg);
        cur = i < l.size() ? l.get(i) : null;
      } else {
        return null;
      }
    }
    return cur;
  }
}
