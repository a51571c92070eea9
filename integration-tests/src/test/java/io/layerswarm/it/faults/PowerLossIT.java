package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.TestbedDirs;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A simulated power loss: while the agent is stopped, one cached blob is zeroed (right size, wrong
 * bytes: pages the disk never wrote) and another truncated. The restarted agent serves at once,
 * checks every cached blob again in the background, deletes the two, and the next pull brings every
 * digest right. Figures: how fast the check runs, and when serving starts against when it ends.
 */
class PowerLossIT {
  private static final Pattern VERIFIED =
      Pattern.compile(
          "re-verified (\\d+) blob\\(s\\) found at start, (\\d+) bytes in (\\d+) ms \\((\\d+) MB/s\\),"
              + " deleted (\\d+) damaged");

  @Test
  void blobsDamagedWhileTheAgentWasDownAreNotServedAfterARestart() throws Exception {
    Path work = TestbedDirs.create("power-loss");
    try (FaultCluster cluster = FaultCluster.start(work).trackerAndSeeder()) {
      Image image = cluster.push("library/app", 4, 256L << 20, 7);
      int port = FreePorts.pick();
      String agent = "127.0.0.1:" + port;
      Path data = work.resolve("agent");
      String upstream = cluster.origin.baseUri().toString();
      DaemonProcess first = cluster.agent("agent", port, data, upstream).start();
      FaultCluster.assertPulledRight(
          FaultCluster.pull(agent, "library/app", work.resolve("pull1")),
          work.resolve("pull1"),
          image);
      assertThat(first.stop()).as("clean stop").isIn(0, 143);

      List<Blob> layers =
          image.blobs().stream().sorted(Comparator.comparingLong(Blob::size).reversed()).toList();
      Path zeroed = data.resolve("blobs/sha256/" + layers.get(0).digest().substring(7));
      Path truncated = data.resolve("blobs/sha256/" + layers.get(1).digest().substring(7));
      try (RandomAccessFile file = new RandomAccessFile(zeroed.toFile(), "rw")) {
        file.write(new byte[(int) file.length()]);
      }
      try (RandomAccessFile file = new RandomAccessFile(truncated.toFile(), "rw")) {
        file.setLength(file.length() / 2);
      }
      long cachedBytes = FaultCluster.bytesUnder(data.resolve("blobs"));

      long started = System.nanoTime();
      DaemonProcess second =
          cluster.bed.track(cluster.agent("agent", port, data, upstream).start());
      double readySeconds = (System.nanoTime() - started) / 1e9;
      FaultCluster.assertPulledRight(
          FaultCluster.pull(agent, "library/app", work.resolve("pull2")),
          work.resolve("pull2"),
          image);

      String log = second.output();
      Matcher verified = FaultCluster.logged(log, VERIFIED).orElseThrow();
      Instant serving = FaultCluster.loggedAt(log, "agent serving the registry API").orElseThrow();
      Instant checked = FaultCluster.loggedAt(log, "re-verified").orElseThrow();
      System.out.printf(
          "FAULT power-loss: %d MiB cached, 1 blob zeroed and 1 truncated while stopped; restart"
              + " ready in %.1f s; re-verified %s blobs, %d MiB in %s ms (%s MB/s), deleted %s;"
              + " serving started %d ms %s the check ended; next pull: every digest right%n",
          cachedBytes >> 20,
          readySeconds,
          verified.group(1),
          Long.parseLong(verified.group(2)) >> 20,
          verified.group(3),
          verified.group(4),
          verified.group(5),
          Math.abs(Duration.between(serving, checked).toMillis()),
          serving.isBefore(checked) ? "before" : "after");
      assertThat(verified.group(5)).as("damaged blobs deleted").isEqualTo("2");
      assertThat(FaultCluster.wrongBlobFiles(data)).isEmpty();
      assertThat(FaultCluster.filesUnder(data.resolve("tmp"))).isZero();
      assertThat(FaultCluster.filesUnder(data.resolve("partial"))).isZero();
      assertThat(Files.size(truncated)).isEqualTo(layers.get(1).size());
    }
  }
}
