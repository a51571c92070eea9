package io.layerswarm.it.interop;

import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * libtorrent-rasterbar 2.0 (Debian's python3-libtorrent) driven by {@code interop/lt_peer.py} from
 * the test resources, as a separate process. It must run under Debian's {@code /usr/bin/python3}: a
 * pyenv or virtualenv interpreter first in PATH does not see the Debian module.
 */
final class LibtorrentClient implements ForeignClient {

  public static final String PYTHON = "/usr/bin/python3";
  public static final String SCRIPT_RESOURCE = "/interop/lt_peer.py";

  private final Duration maxRunTime;
  private final String encryption;

  /**
   * @param maxRunTime the script gives up (exit 2) after this long, whatever happens
   * @param encryption "default" (libtorrent's: MSE offered, plaintext fallback), "disabled" or
   *     "forced"
   */
  public LibtorrentClient(Duration maxRunTime, String encryption) {
    this.maxRunTime = maxRunTime;
    this.encryption = encryption;
  }

  @Override
  public String name() {
    return "libtorrent";
  }

  @Override
  public ForeignPeer seed(Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException {
    return start("seed", torrentFile, dataDir, workDir);
  }

  @Override
  public ForeignPeer leech(Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException {
    return start("leech", torrentFile, dataDir, workDir);
  }

  /** Copies the peer script out of the test classpath into {@code dir} and returns its path. */
  public static Path extractScript(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path script = dir.resolve("lt_peer.py");
    try (InputStream in = LibtorrentClient.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IOException(
            "test resource " + SCRIPT_RESOURCE + " is missing from the classpath");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    return script;
  }

  private ProcessPeer start(String mode, Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      throw new IOException(
          PYTHON + " is missing: install the Debian packages python3 and python3-libtorrent");
    }
    Files.createDirectories(dataDir);
    Path script = extractScript(workDir);
    List<String> command =
        new ArrayList<>(
            List.of(
                PYTHON,
                script.toString(),
                "--mode",
                mode,
                "--torrent",
                torrentFile.toString(),
                "--dir",
                dataDir.toString(),
                "--port",
                Integer.toString(FreePorts.pick()),
                "--timeout",
                Long.toString(Math.max(1, maxRunTime.toSeconds())),
                "--encryption",
                encryption));
    DaemonProcess process =
        DaemonProcess.builder("libtorrent-" + mode, command)
            .workingDir(workDir)
            // "FATAL cannot import libtorrent" shows up here rather than as a timeout later.
            .readyWhenOutputMatches(Pattern.compile("(?m)^READY "))
            .readyTimeout(Duration.ofSeconds(20))
            .stopTimeout(Duration.ofSeconds(10))
            .start();
    return new ProcessPeer(process, Pattern.compile("(?m)^SEEDING"), null);
  }
}
