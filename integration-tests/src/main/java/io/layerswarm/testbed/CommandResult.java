package io.layerswarm.testbed;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One finished run of a command-line client (docker, ctr, podman, htpasswd, ...), with stdout and
 * stderr interleaved in {@code output}. {@link #run} bounds every run by a timeout and kills the
 * client when it is exceeded.
 */
public record CommandResult(
    List<String> command, int exitCode, String output, boolean timedOut, Duration elapsed) {

  public CommandResult {
    command = List.copyOf(command);
  }

  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }

  /** Throws with the command and its output unless it exited with 0 in time. */
  public CommandResult requireSuccess() throws IOException {
    if (!ok()) {
      throw new IOException(describe());
    }
    return this;
  }

  /** The command, how it ended and its output, for assertion messages. */
  public String describe() {
    return String.join(" ", command)
        + (timedOut ? " timed out after " : " exited with " + exitCode + " after ")
        + elapsed.toMillis()
        + " ms:\n"
        + output.strip();
  }

  public double seconds() {
    return elapsed.toMillis() / 1000.0;
  }

  /**
   * Runs {@code command} with {@code env} added to this JVM's environment and stdin from /dev/null,
   * killing it (SIGKILL) once {@code timeout} has passed. Output goes to a file, not a pipe, so a
   * chatty client can never block.
   */
  public static CommandResult run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("layerswarm-cmd-", ".log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      long started = System.nanoTime();
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IOException("could not start " + command.get(0) + ": " + e.getMessage(), e);
      }
      ProcessReaper.register(Path.of(command.get(0)).getFileName().toString(), p);
      try {
        boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        return new CommandResult(
            command, p.isAlive() ? -1 : p.exitValue(), Files.readString(out), !finished, elapsed);
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
        ProcessReaper.unregister(p);
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
