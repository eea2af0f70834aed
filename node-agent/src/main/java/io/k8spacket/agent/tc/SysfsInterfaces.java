package io.k8spacket.agent.tc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Lists the network interfaces of the agent's network namespace from {@code /sys/class/net} (one directory per
 * interface with {@code ifindex}, {@code type} and {@code operstate} files): no shell commands and no netlink.
 * An interface that disappears while being read is skipped. The root is a parameter so tests can use a
 * directory tree of their own.
 */
public final class SysfsInterfaces implements Supplier<List<NetInterface>> {
  /** The host's interfaces. */
  public static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

  private final Path root;

  public SysfsInterfaces(Path root) {
    this.root = root;
  }

  /** The interfaces now, ordered by ifindex. */
  @Override
  public List<NetInterface> get() {
    List<NetInterface> found = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        try {
          found.add(new NetInterface(dir.getFileName().toString(), Integer.parseInt(read(dir, "ifindex")),
              Integer.parseInt(read(dir, "type")), read(dir, "operstate")));
        } catch (NoSuchFileException | NumberFormatException gone) {
          // deleted while we read it, or not an interface directory
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    found.sort(Comparator.comparingInt(NetInterface::ifindex));
    return found;
  }

  private static String read(Path dir, String file) throws IOException {
    return Files.readString(dir.resolve(file)).trim();
  }
}
