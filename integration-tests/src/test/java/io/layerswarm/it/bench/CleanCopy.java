package io.layerswarm.it.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a new user starts from: a copy of the checkout without build output, and a local Maven
 * repository without this project's own artifacts.
 */
final class CleanCopy {

  private CleanCopy() {}

  /**
   * Copies the files git tracks or would track (new files included, ignored ones such as {@code
   * target/} left out) from {@code root} to {@code dest}, keeping their modes.
   */
  static Path of(Path root, Path dest) throws IOException, InterruptedException {
    Files.createDirectories(dest);
    String script =
        "git -C \"$1\" ls-files -z --cached --others --exclude-standard"
            + " | tar -C \"$1\" --null --ignore-failed-read -T - -cf -"
            + " | tar -C \"$2\" -xf -";
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -o pipefail; " + script,
                "copy",
                root.toString(),
                dest.toString())
            .redirectErrorStream(true)
            .redirectOutput(dest.resolveSibling(dest.getFileName() + "-copy.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("copying " + root + " to " + dest + " failed");
    }
    return dest;
  }

  /**
   * A local repository at {@code dest} that shows every artifact of the user's (the {@code
   * maven.repo.local} system property, else ~/.m2/repository) through symbolic links, except the
   * group directory {@code without} (for example {@code io/layerswarm}). Downloads land in the
   * user's repository as in any build; the left-out group can only come from the reactor.
   */
  static Path localRepositoryWithout(Path dest, String without) throws IOException {
    Path real =
        Path.of(
            System.getProperty(
                "maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    Files.createDirectories(dest);
    link(real, dest, List.of(without.split("/")));
    return dest;
  }

  private static void link(Path from, Path to, List<String> without) throws IOException {
    try (Stream<Path> children = Files.list(from)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (!name.equals(without.get(0))) {
          Files.createSymbolicLink(to.resolve(name), child);
        } else if (without.size() > 1) {
          Path dir = Files.createDirectories(to.resolve(name));
          link(child, dir, without.subList(1, without.size()));
        }
      }
    }
  }
}
