package io.k8spacket.agent.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Pointer;
import io.k8spacket.agent.event.StructField;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BTF of one compiled BPF object of the agent jar, parsed in user space by the bundled libbpf (no root), for
 * the layout tests that hold the Java decoders and the loader's knobs to the C side.
 */
final class ObjectBtf implements AutoCloseable {
  private final LibBpf lib = BundledLibBpf.get();
  private final Pointer btf;

  private ObjectBtf(String resource) throws Exception {
    URL object = getClass().getClassLoader().getResource(resource);
    assertThat(object).as("target/classes/" + resource).isNotNull();
    btf = lib.btf__parse(Path.of(object.toURI()).toString(), null);
    assertThat(btf).as("btf__parse of " + object).isNotNull();
  }

  /** Parses classpath {@code resource}; close it after the test. */
  static ObjectBtf parse(String resource) throws Exception {
    return new ObjectBtf(resource);
  }

  /** Asserts that struct {@code name} has exactly the members of {@code layout}, in order, and {@code size} bytes. */
  void assertLayout(String name, List<StructField> layout, int size) {
    Btf.Struct struct = new Btf(lib, btf).struct(name).orElseThrow();

    List<StructField> fromBtf = struct.members().stream()
        .map(m -> new StructField(m.name(), m.offset(), m.size())).toList();
    assertThat(fromBtf).containsExactlyElementsOf(layout);
    assertThat(struct.size()).isEqualTo(size);
  }

  /** The {@code .rodata} variable {@code name} (a loader knob). */
  Btf.Variable rodata(String name) {
    return new Btf(lib, btf).variable(".rodata", name).orElseThrow();
  }

  @Override
  public void close() {
    lib.btf__free(btf);
  }

  /** {@code NAME = value} enum entries and {@code #define NAME value} lines of the header the bpf jar carries. */
  static Map<String, Integer> headerConstants() throws Exception {
    URL header = ObjectBtf.class.getClassLoader().getResource("bpf/k8spacket.h");
    assertThat(header).as("bpf/k8spacket.h in the bpf jar").isNotNull();
    Map<String, Integer> constants = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*(?:#define\\s+)?(K8SP_\\w+)\\s*=?\\s*(\\d+)\\b")
        .matcher(Files.readString(Path.of(header.toURI())));
    while (m.find()) {
      constants.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return constants;
  }
}
