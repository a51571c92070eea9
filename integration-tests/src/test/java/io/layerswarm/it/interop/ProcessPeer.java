package io.layerswarm.it.interop;

import io.layerswarm.testbed.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link ForeignPeer} that is a child process: seeding is signalled by a line of its output (or
 * not at all), and a download is complete when the process exits 0.
 */
final class ProcessPeer implements ForeignPeer {

  private static final int TAIL_LINES = 40;

  private final DaemonProcess process;
  private final Pattern seedingLine;
  private final Path detailLog;

  /**
   * @param seedingLine output that means "checked and seeding", or null if the client prints none
   * @param detailLog a second, more detailed log the client writes itself (quoted on failure), or
   *     null
   */
  ProcessPeer(DaemonProcess process, Pattern seedingLine, Path detailLog) {
    this.process = process;
    this.seedingLine = seedingLine;
    this.detailLog = detailLog;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void awaitSeeding(Duration timeout) throws IOException, InterruptedException {
    if (seedingLine != null) {
      process.awaitOutput(seedingLine, timeout);
    } else if (!process.isAlive()) {
      throw new IOException(
          process.name()
              + " exited with "
              + process.exitCode().orElse(-1)
              + " instead of seeding:\n"
              + logTail());
    }
  }

  @Override
  public void awaitComplete(Duration timeout) throws IOException, InterruptedException {
    Optional<Integer> rc = process.awaitExit(timeout);
    if (rc.isEmpty()) {
      throw new IOException(
          process.name()
              + " (pid "
              + process.pid()
              + ") did not finish within "
              + timeout.toSeconds()
              + " s:\n"
              + logTail());
    }
    if (rc.get() != 0) {
      throw new IOException(process.name() + " exited with code " + rc.get() + ":\n" + logTail());
    }
  }

  @Override
  public String logTail() {
    StringBuilder sb =
        new StringBuilder("--- ")
            .append(process.logFile())
            .append(" (tail)\n")
            .append(process.outputTail(TAIL_LINES));
    if (detailLog != null && Files.isRegularFile(detailLog)) {
      sb.append("\n--- ").append(detailLog).append(" (tail)\n").append(tail(detailLog));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    process.close();
  }

  private static String tail(Path file) {
    try {
      var lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }
}
