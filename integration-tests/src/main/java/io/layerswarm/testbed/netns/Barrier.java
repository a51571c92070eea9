package io.layerswarm.testbed.netns;

import io.layerswarm.testbed.ProcessReaper;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds one shell per host at a FIFO and releases them all at one instant.
 *
 * <p>This JVM holds the FIFO open read-write: every shell (inside its host's namespace) opens it,
 * prints {@code ready} and blocks in {@code read}. Once every shell has printed {@code ready},
 * closing our end gives all of them end-of-file at once, and each goes on with its script. A
 * script's {@code $1} is the FIFO; its own arguments follow.
 */
final class Barrier {

  /** The shell prefix that waits at the barrier; the script follows it. */
  static final String WAIT = "exec 3<\"$1\"; echo ready; read -r x <&3; exec 3<&-; shift; ";

  /** The released processes, and when they were released (nanoTime and epoch milliseconds). */
  record Released(List<Process> processes, long startNanos, long startEpochMillis) {}

  /** One shell: its host, the script after {@link #WAIT}, the script's arguments, its log. */
  record Waiter(NetnsTopology.Host host, String script, List<String> args, Path log) {}

  private Barrier() {}

  /**
   * Starts every waiter at nice {@code nice}, waits (up to 60 s) until all are at the barrier, and
   * releases them. On failure every process started so far is killed.
   */
  static Released run(Path dir, List<Waiter> waiters, int nice, String reaperName)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path fifo = dir.resolve("go.fifo");
    Files.deleteIfExists(fifo);
    Commands.check("mkfifo", fifo.toString());
    List<Process> procs = new ArrayList<>();
    // Held read-write, so the shells' open() of the FIFO never blocks; closing it is the signal.
    RandomAccessFile gate = new RandomAccessFile(fifo.toFile(), "rw");
    try {
      try {
        for (Waiter w : waiters) {
          Files.deleteIfExists(w.log());
          List<String> sh = new ArrayList<>(List.of("/bin/sh", "-c", WAIT + w.script(), "sh"));
          sh.add(fifo.toString());
          sh.addAll(w.args());
          Process p =
              new ProcessBuilder(Commands.inNetns(w.host().netns(), nice, sh))
                  .redirectErrorStream(true)
                  .redirectOutput(w.log().toFile())
                  .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                  .start();
          ProcessReaper.register(reaperName + "@" + w.host().name(), p);
          procs.add(p);
        }
        awaitReady(procs, waiters, Duration.ofSeconds(60));
      } catch (IOException | InterruptedException | RuntimeException e) {
        for (Process p : procs) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
        throw e;
      }
      return new Released(List.copyOf(procs), System.nanoTime(), System.currentTimeMillis());
    } finally {
      gate.close();
      Files.deleteIfExists(fifo);
    }
  }

  private static void awaitReady(List<Process> procs, List<Waiter> waiters, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < procs.size(); i++) {
      Path log = waiters.get(i).log();
      while (!Files.readString(log, StandardCharsets.UTF_8).contains("ready")) {
        if (!procs.get(i).isAlive()) {
          throw new IOException(
              "barrier shell on "
                  + waiters.get(i).host().name()
                  + " exited with "
                  + procs.get(i).exitValue()
                  + " before the barrier: "
                  + BarrierPull.tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "barrier shell on "
                  + waiters.get(i).host().name()
                  + " not at the barrier after "
                  + timeout.toSeconds()
                  + " s: "
                  + BarrierPull.tail(log));
        }
        Thread.sleep(10);
      }
    }
  }
}
