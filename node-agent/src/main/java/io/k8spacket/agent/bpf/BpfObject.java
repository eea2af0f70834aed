package io.k8spacket.agent.bpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import io.k8spacket.agent.AgentStartupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.slf4j.Logger;

/**
 * One compiled BPF object of the agent jar, driven in libbpf's order: {@link #open}, then map sizes and
 * {@code .rodata} knobs (libbpf takes them only before load), {@link #load}, then programs and maps by name;
 * {@link #close()} frees it all. Every failing step logs one line with the owner's logger and throws it as
 * {@code <subject>: <stage> failed: <why>}, e.g. {@code TCP probe: load failed: not root / missing CAP_BPF...}.
 */
final class BpfObject implements AutoCloseable {
  private static final int EPERM = 1;

  private final LibBpf lib;
  private final String resource;
  private final String subject;
  private final Logger log;
  private Pointer object;

  private BpfObject(LibBpf lib, String resource, String subject, Logger log) {
    this.lib = lib;
    this.resource = resource;
    this.subject = subject;
    this.log = log;
  }

  /** Opens classpath {@code resource} as the object {@code name}; {@code subject} starts every error message. */
  static BpfObject open(LibBpf lib, String resource, String name, String subject, Logger log) {
    BpfObject bpf = new BpfObject(lib, resource, subject, log);
    byte[] elf = readResource(resource);
    bpf.object = lib.bpf_object__open_mem(elf, elf.length, new BpfObjectOpenOpts(name));
    if (bpf.object == null) {
      throw bpf.failed("open " + resource, "not a valid BPF object: " + errno());
    }
    return bpf;
  }

  /** Sets the {@code max_entries} of {@code map} before load; {@code what} names it in the error. */
  void setMaxEntries(String map, int entries, String what) {
    check(lib.bpf_map__set_max_entries(requireMap(map), entries), "set " + map + " " + what);
  }

  /** Whether {@link #load} loads program {@code name} (an unloaded program cannot be attached). */
  void setAutoload(String name, boolean autoload) {
    check(lib.bpf_program__set_autoload(program(name), autoload), "set autoload of " + name);
  }

  /** Sets the one-byte {@code .rodata} variable {@code variable} (a C {@code bool}) before load. */
  void setKnob(String variable, boolean value) {
    setKnob(variable, new byte[] {(byte) (value ? 1 : 0)});
  }

  /** Sets the four-byte {@code .rodata} variable {@code variable} (a C {@code __u32}) before load. */
  void setKnob(String variable, int value) {
    setKnob(variable, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
  }

  private void setKnob(String variable, byte[] value) {
    Pointer rodata = requireMap(".rodata");
    Btf.Variable knob = new Btf(lib, lib.bpf_object__btf(object)).variable(".rodata", variable)
        .orElseThrow(() -> failed("set knobs", variable + " missing from .rodata"));
    LongByReference size = new LongByReference();
    Pointer image = lib.bpf_map__initial_value(rodata, size);
    if (image == null || knob.size() != value.length || knob.offset() + knob.size() > size.getValue()) {
      throw failed("set knobs", ".rodata image of " + size.getValue() + " bytes has no " + value.length + "-byte "
          + variable);
    }
    byte[] bytes = image.getByteArray(0, (int) size.getValue());
    System.arraycopy(value, 0, bytes, knob.offset(), value.length);
    check(lib.bpf_map__set_initial_value(rodata, bytes, bytes.length), "set .rodata");
  }

  /**
   * Loads programs and maps into the kernel; {@code capabilities} is what EPERM means is missing,
   * {@code rejected} what to say otherwise (the libbpf log above has the verifier's reason).
   */
  void load(String capabilities, String rejected) {
    int err = lib.bpf_object__load(object);
    if (err < 0) {
      throw failed("load", err == -EPERM
          ? "not root / missing " + capabilities + " (" + BundledLibBpf.strerror(err) + ")"
          : rejected + ": " + BundledLibBpf.strerror(err));
    }
  }

  /** The program {@code name} of the loaded object. */
  Pointer program(String name) {
    Pointer program = lib.bpf_object__find_program_by_name(object, name);
    if (program == null) {
      throw failed("find program", name + " missing from " + resource);
    }
    return program;
  }

  /** File descriptor of map {@code name} (loaded object). */
  int mapFd(String name) {
    return lib.bpf_map__fd(lib.bpf_object__find_map_by_name(object, name));
  }

  /** {@code max_entries} of map {@code name}: for a ring buffer, its size in bytes. */
  int maxEntries(String name) {
    return lib.bpf_map__max_entries(lib.bpf_object__find_map_by_name(object, name));
  }

  /** Logs {@code <subject>: <stage> failed: <why>} and returns it as the exception to throw. */
  AgentStartupException failed(String stage, String why) {
    String message = subject + ": " + stage + " failed: " + why;
    log.error(message);
    return new AgentStartupException(message);
  }

  /** Frees the object with its programs and maps; idempotent. */
  @Override
  public void close() {
    if (object != null) {
      lib.bpf_object__close(object);
      object = null;
    }
  }

  /** The text of the errno a pointer-returning libbpf call left on this thread. */
  static String errno() {
    int errno = Native.getLastError();
    return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
  }

  private Pointer requireMap(String name) {
    Pointer map = lib.bpf_object__find_map_by_name(object, name);
    if (map == null) {
      throw failed("set knobs", "map " + name + " missing from " + resource);
    }
    return map;
  }

  private void check(int err, String what) {
    if (err < 0) {
      throw failed(what, BundledLibBpf.strerror(err));
    }
  }

  private static byte[] readResource(String resource) {
    try (InputStream in = BpfObject.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AgentStartupException("classpath resource " + resource + " missing: the agent jar is"
            + " incomplete");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
