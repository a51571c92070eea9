package io.layerswarm.testbed.netns;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short helper commands ({@code ip}, {@code tc}, {@code mkfifo}, ...) to completion with a
 * time limit, output captured through a temp file (never a pipe that could fill up).
 */
public final class Commands {

  /** What a command printed (stdout and stderr interleaved) and how it ended. */
  public record Result(List<String> command, int exitCode, String output, boolean timedOut) {
    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    public Result requireSuccess() throws IOException {
      if (!ok()) {
        throw new IOException(
            String.join(" ", command)
                + (timedOut ? " timed out" : " exited with " + exitCode)
                + (output.isBlank() ? "" : ": " + output.strip()));
      }
      return this;
    }
  }

  private Commands() {}

  public static Result run(Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("lsb-cmd-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      return new Result(
          List.copyOf(command),
          p.isAlive() ? -1 : p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          !finished);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  public static Result run(String... command) throws IOException, InterruptedException {
    return run(Duration.ofSeconds(30), List.of(command));
  }

  /** Runs and throws with the output unless the command exits 0. Returns the output. */
  public static String check(String... command) throws IOException, InterruptedException {
    return run(command).requireSuccess().output();
  }

  /** {@code ip netns exec <netns> <command...>}. */
  public static List<String> inNetns(String netns, List<String> command) {
    List<String> cmd = new ArrayList<>(command.size() + 4);
    cmd.addAll(List.of("ip", "netns", "exec", netns));
    cmd.addAll(command);
    return cmd;
  }

  /**
   * {@code ip netns exec <netns> [nice -n <nice>] <command...>}; nice 0 leaves the priority alone.
   */
  public static List<String> inNetns(String netns, int nice, List<String> command) {
    if (nice == 0) {
      return inNetns(netns, command);
    }
    List<String> cmd = new ArrayList<>(List.of("nice", "-n", Integer.toString(nice)));
    cmd.addAll(command);
    return inNetns(netns, cmd);
  }

  public static String checkIn(String netns, String... command)
      throws IOException, InterruptedException {
    return run(Duration.ofSeconds(30), inNetns(netns, List.of(command))).requireSuccess().output();
  }

  /** Whether an executable is on one of the usual paths (or the absolute path exists). */
  public static boolean installed(String name) {
    if (name.startsWith("/")) {
      return Files.isExecutable(Path.of(name));
    }
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
