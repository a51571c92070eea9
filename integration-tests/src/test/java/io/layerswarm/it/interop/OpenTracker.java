package io.layerswarm.it.interop;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Debian's opentracker on 127.0.0.1: a standard, independent tracker.
 *
 * <p>Debian builds it in whitelist mode, so only the info hashes given at start are served; an
 * announce for another one fails with "Requested download is not authorized for use with this
 * tracker". It chroots into its directory and, when started as root, drops to the user {@code
 * nobody} before reading the whitelist. So the whitelist path must be relative (an absolute one
 * silently loads an empty list) and the directory and file must be readable by everyone.
 */
final class OpenTracker implements InteropTracker {

  public static final String BINARY = "/usr/bin/opentracker";
  private static final int START_ATTEMPTS = 3;

  private final DaemonProcess process;
  private final int port;

  private OpenTracker(DaemonProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts opentracker serving exactly {@code whitelist}, with its chroot in {@code dir}. */
  public static OpenTracker start(Path dir, Collection<InfoHash> whitelist)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IOException(
          BINARY
              + " is missing: install the Debian package opentracker "
              + "(scripts/install-deps.sh)");
    }
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path list = dir.resolve("whitelist.txt");
    Files.writeString(
        list,
        whitelist.stream().map(InfoHash::hex).collect(Collectors.joining("\n", "", "\n")),
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-r--r--"));
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      // Another process can take the port between pick() and bind: try a few.
      int port = FreePorts.pick();
      List<String> command =
          List.of(
              BINARY,
              "-i",
              "127.0.0.1",
              "-p",
              Integer.toString(port),
              "-P",
              Integer.toString(port),
              "-d",
              dir.toString(),
              "-w",
              "whitelist.txt");
      try {
        DaemonProcess process =
            DaemonProcess.builder("opentracker", command)
                .workingDir(dir)
                .logFile(dir.resolveSibling(dir.getFileName() + ".log"))
                // Any HTTP answer means it is listening ("/" is not served).
                .readyWhenHttp(URI.create("http://127.0.0.1:" + port + "/"), status -> true)
                .readyTimeout(Duration.ofSeconds(10))
                .stopTimeout(Duration.ofSeconds(5))
                .start();
        return new OpenTracker(process, port);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  @Override
  public URI announceUri() {
    return URI.create("http://127.0.0.1:" + port + "/announce");
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "opentracker[" + announceUri() + ", pid " + process.pid() + "]";
  }
}
