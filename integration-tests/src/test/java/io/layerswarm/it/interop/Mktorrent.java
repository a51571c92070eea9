package io.layerswarm.it.interop;

import io.layerswarm.testbed.DaemonProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Debian's mktorrent: a .torrent that our own code did not write. */
final class Mktorrent {

  static final String BINARY = "/usr/bin/mktorrent";

  private Mktorrent() {}

  /**
   * A private single-file torrent of {@code file} (info name = file name), written to {@code out}.
   */
  static void create(Path file, URI announce, int pieceLength, Path out, Path workDir)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IOException(BINARY + " is missing: install the Debian package mktorrent");
    }
    if (Integer.bitCount(pieceLength) != 1) {
      throw new IllegalArgumentException(
          "mktorrent takes a power of two piece length, not " + pieceLength);
    }
    Files.deleteIfExists(out);
    List<String> command =
        List.of(
            BINARY,
            "-p",
            "-l",
            Integer.toString(Integer.numberOfTrailingZeros(pieceLength)),
            "-a",
            announce.toString(),
            "-o",
            out.toString(),
            file.toString());
    try (DaemonProcess p =
        DaemonProcess.builder("mktorrent", command).workingDir(workDir).start()) {
      Optional<Integer> rc = p.awaitExit(Duration.ofSeconds(60));
      if (rc.isEmpty() || rc.get() != 0 || !Files.isRegularFile(out)) {
        throw new IOException(
            "mktorrent failed ("
                + rc.map(c -> "exit " + c).orElse("timeout")
                + "):\n"
                + p.outputTail(20));
      }
    }
  }
}
