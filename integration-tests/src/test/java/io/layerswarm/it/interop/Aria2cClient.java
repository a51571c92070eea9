package io.layerswarm.it.interop;

import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * aria2c (Debian's aria2) as a separate process.
 *
 * <p>It prints no "seeding" line, so callers wait for the tracker to list it as a seeder. A
 * download exits 0 when complete ({@code --seed-time=0}). {@code --stop} bounds every run in time
 * even if the test JVM dies without stopping it. Its detailed log ({@code --log-level=info}) shows
 * every peer message exchange, which is the evidence to quote when it disagrees with our engine.
 */
final class Aria2cClient implements ForeignClient {

  public static final String BINARY = "/usr/bin/aria2c";

  private final Duration maxRunTime;

  /**
   * @param maxRunTime aria2c stops itself after this long, whatever happens
   */
  public Aria2cClient(Duration maxRunTime) {
    this.maxRunTime = maxRunTime;
  }

  @Override
  public String name() {
    return "aria2c";
  }

  @Override
  public ForeignPeer seed(Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException {
    // Seeds until stopped: a ratio of 0.0 is ignored and the seed time (minutes) ends it.
    return start(
        "seed",
        torrentFile,
        dataDir,
        workDir,
        List.of(
            "--check-integrity=true",
            "--seed-ratio=0.0",
            "--seed-time=" + Math.max(1, maxRunTime.toMinutes())));
  }

  @Override
  public ForeignPeer leech(Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException {
    return start(
        "leech",
        torrentFile,
        dataDir,
        workDir,
        List.of("--seed-ratio=0.0", "--seed-time=0", "--bt-stop-timeout=60"));
  }

  private ProcessPeer start(
      String mode, Path torrentFile, Path dataDir, Path workDir, List<String> modeFlags)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IOException(
          BINARY + " is missing: install the Debian package aria2 (scripts/install-deps.sh)");
    }
    Files.createDirectories(dataDir);
    Files.createDirectories(workDir);
    Path detailLog = workDir.resolve("aria2c-" + mode + "-detail.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY,
                "--no-conf=true",
                // A private swarm on loopback: no DHT, local discovery or peer exchange.
                "--enable-dht=false",
                "--enable-dht6=false",
                "--bt-enable-lpd=false",
                "--enable-peer-exchange=false",
                "--file-allocation=none",
                "--listen-port=" + FreePorts.pick(),
                "--dir=" + dataDir,
                "--bt-save-metadata=false",
                "--auto-save-interval=0",
                "--allow-overwrite=true",
                "--auto-file-renaming=false",
                "--summary-interval=0",
                "--show-console-readout=false",
                "--console-log-level=notice",
                "--enable-color=false",
                "--log=" + detailLog,
                "--log-level=info",
                "--stop=" + Math.max(1, maxRunTime.toSeconds())));
    command.addAll(modeFlags);
    command.add(torrentFile.toString());
    DaemonProcess process =
        DaemonProcess.builder("aria2c-" + mode, command)
            .workingDir(workDir)
            .stopTimeout(Duration.ofSeconds(5))
            .start();
    return new ProcessPeer(process, null, detailLog);
  }
}
