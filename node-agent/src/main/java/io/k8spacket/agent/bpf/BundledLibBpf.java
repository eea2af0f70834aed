package io.k8spacket.agent.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import io.k8spacket.agent.AgentStartupException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the libbpf shipped in the agent jar, never the host's: the library is extracted from the classpath
 * into a private temp directory and opened by absolute path with {@code RTLD_LAZY} only (local), so neither a
 * system libbpf nor another copy loaded globally in this JVM can bind its symbols (research/ebpf-jna.md §6).
 * The library's log goes to slf4j.
 */
public final class BundledLibBpf {
  /** Classpath resource of the bundled library. */
  public static final String RESOURCE = "native/linux-x86-64/libbpf.so.1";
  private static final int RTLD_LAZY = 1;
  private static final Logger LOG = LoggerFactory.getLogger("libbpf");
  private static final int LOG_BUFFER_BYTES = 1 << 20;
  /** Kept in a static field: a collected callback would crash the JVM on its next call from C. */
  private static final LibBpf.PrintFn PRINT = BundledLibBpf::print;
  private static final byte[] LOG_BUFFER = new byte[LOG_BUFFER_BYTES];
  private static volatile LibBpf instance;

  private BundledLibBpf() {}

  /**
   * The loaded library, loading it on first use.
   *
   * @throws AgentStartupException when this is not x86-64 Linux or the library cannot be opened
   *     (usually libelf.so.1 or libz.so.1 missing on the host)
   */
  public static LibBpf get() {
    LibBpf lib = instance;
    if (lib == null) {
      synchronized (BundledLibBpf.class) {
        lib = instance;
        if (lib == null) {
          lib = load();
          instance = lib;
        }
      }
    }
    return lib;
  }

  private static LibBpf load() {
    String arch = System.getProperty("os.arch");
    if (!"Linux".equals(System.getProperty("os.name")) || !("amd64".equals(arch) || "x86_64".equals(arch))) {
      throw new AgentStartupException("the agent bundles libbpf for x86-64 Linux only, this is "
          + System.getProperty("os.name") + "/" + arch);
    }
    Path file = extract();
    LibBpf lib;
    try {
      lib = Native.load(file.toString(), LibBpf.class, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY));
    } catch (UnsatisfiedLinkError e) {
      throw new AgentStartupException("cannot open the bundled libbpf (it needs libelf.so.1 and libz.so.1 on the"
          + " host): " + e.getMessage().lines().findFirst().orElse(""));
    }
    lib.libbpf_set_print(PRINT);
    return lib;
  }

  private static Path extract() {
    try (InputStream in = BundledLibBpf.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new AgentStartupException("classpath resource " + RESOURCE + " missing: the agent jar is incomplete");
      }
      Path dir = Files.createTempDirectory("k8spacket-libbpf");
      // deleteOnExit runs in reverse order: the directory first so it is deleted after the file
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("libbpf.so.1");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + RESOURCE + " to " + System.getProperty("java.io.tmpdir"), e);
    }
  }

  /** One slf4j line per line of a libbpf message; WARN stays WARN, INFO and DEBUG become DEBUG. */
  private static int print(int level, Pointer format, Pointer vaList) {
    boolean warn = level == LibBpf.LIBBPF_WARN;
    if (!warn && !LOG.isDebugEnabled()) {
      return 0;
    }
    String text;
    synchronized (LOG_BUFFER) {
      int n = LibC.INSTANCE.vsnprintf(LOG_BUFFER, LOG_BUFFER.length, format, vaList);
      if (n < 0) {
        return 0;
      }
      text = new String(LOG_BUFFER, 0, Math.min(n, LOG_BUFFER.length - 1), StandardCharsets.UTF_8);
      if (n >= LOG_BUFFER.length) {
        text += "\n(truncated: " + n + " bytes)";
      }
    }
    text.lines().filter(line -> !line.isBlank()).forEach(line -> {
      if (warn) {
        LOG.warn(line);
      } else {
        LOG.debug(line);
      }
    });
    return 0;
  }

  /** libbpf's text for a negative errno result. */
  public static String strerror(int err) {
    byte[] buf = new byte[256];
    get().libbpf_strerror(err, buf, buf.length);
    int len = 0;
    while (len < buf.length && buf[len] != 0) {
      len++;
    }
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }
}
