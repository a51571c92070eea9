package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Short directories for Unix sockets and runtime state (container engines, the agent's admin
 * socket). A Unix socket path must stay under 108 bytes, and dockerd, containerd and their shims
 * put sockets several levels below the directories they are given, so these live directly under
 * /tmp rather than under the (long) test-bed directory. Delete them with {@link
 * #deleteUnlessMounted}, which never walks into a file system still mounted below them.
 */
public final class RuntimeDirs {

  private static final Logger log = LoggerFactory.getLogger(RuntimeDirs.class);
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private RuntimeDirs() {}

  /**
   * A new directory {@code /tmp/<prefix><random>} (or under java.io.tmpdir when there is no /tmp).
   */
  public static Path create(String prefix) throws IOException {
    Path tmp = Path.of("/tmp");
    Path parent = Files.isDirectory(tmp) ? tmp : Path.of(System.getProperty("java.io.tmpdir"));
    return Files.createTempDirectory(parent, prefix);
  }

  /** Mount points at or below {@code dir}, from /proc/self/mountinfo. */
  public static List<Path> mountsUnder(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isReadable(MOUNTINFO)) {
      return found;
    }
    Path root = dir.toAbsolutePath().normalize();
    for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        Path mountPoint = Path.of(unescape(fields[4]));
        if (mountPoint.startsWith(root)) {
          found.add(mountPoint);
        }
      }
    }
    return found;
  }

  /**
   * Deletes {@code dir} recursively unless something is mounted below it (a daemon that did not
   * clean up); then it is left alone, with a warning naming the mounts, so the walk never enters a
   * foreign file system.
   */
  public static void deleteUnlessMounted(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      List<Path> mounts = mountsUnder(dir);
      if (!mounts.isEmpty()) {
        log.warn("not deleting {}: still mounted below it: {}", dir, mounts);
        return;
      }
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\'
          && i + 3 < s.length()
          && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
