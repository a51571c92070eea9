package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's data directory on a 24 MiB tmpfs (10% of it kept free): an image of three 20 MiB
 * layers, which fit one at a time, and an image with one 30 MiB layer, which never fits. Both pulls
 * complete with every digest right: the first by evicting each cached layer for the next, the
 * second by passing the layer through from the origin; the file system holds nothing half-written
 * or wrong. Needs root (mount).
 */
class DiskFullIT {
  @Test
  void aPullLargerThanTheAgentsFileSystemCompletesAndLeavesNothingHalfWritten() throws Exception {
    assumeTrue(
        CommandResult.run(List.of("id", "-u"), Map.of(), Duration.ofSeconds(10))
            .output()
            .strip()
            .equals("0"),
        "mounting a tmpfs needs root");
    Path work = TestbedDirs.create("disk-full");
    Path data = Files.createDirectories(work.resolve("agent"));
    CommandResult mounted =
        CommandResult.run(
            List.of("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", data.toString()),
            Map.of(),
            Duration.ofSeconds(10));
    assertThat(mounted.ok()).as(mounted.describe()).isTrue();
    try (FaultCluster cluster = FaultCluster.start(work).trackerAndSeeder()) {
      Image small = cluster.push("library/small", 3, 60L << 20, 13);
      Image big = cluster.push("library/big", 1, 30L << 20, 14);
      int port = FreePorts.pick();
      String agent = "127.0.0.1:" + port;
      DaemonProcess daemon =
          cluster.bed.track(
              cluster.agent("agent", port, data, cluster.origin.baseUri().toString()).start());

      long start = System.nanoTime();
      Skopeo.Result pulledSmall = FaultCluster.pull(agent, "library/small", work.resolve("small"));
      Skopeo.Result pulledBig = FaultCluster.pull(agent, "library/big", work.resolve("big"));
      double seconds = (System.nanoTime() - start) / 1e9;

      FaultCluster.assertPulledRight(pulledSmall, work.resolve("small"), small);
      FaultCluster.assertPulledRight(pulledBig, work.resolve("big"), big);
      assertThat(FaultCluster.wrongBlobFiles(data)).isEmpty();
      assertThat(FaultCluster.filesUnder(data.resolve("tmp"))).isZero();
      assertThat(FaultCluster.filesUnder(data.resolve("partial"))).isZero();
      String metrics = ClusterBed.get(URI.create("http://" + agent + "/metrics"));
      double evicted =
          ClusterBed.metric(metrics, "agent_cache_evictions_total", "reason=\"free_space\"");
      double passedThrough = ClusterBed.metric(metrics, "agent_blobs_passed_through_total", "");
      assertThat(evicted).as("cached layers evicted for the next").isPositive();
      // The 30 MiB layer, and any 20 MiB layer that came while the one before was still read.
      assertThat(passedThrough).as("the layer that never fits was passed through").isPositive();
      System.out.printf(
          "FAULT disk-full: data dir on a 24 MiB tmpfs; 3 x 20 MiB layers and 1 x 30 MiB layer"
              + " pulled in %.1f s, every digest right; %.0f evicted for room, %.0f passed through"
              + " from the origin; %d MiB cached; nothing half-written or wrong left; agent alive:"
              + " %s%n",
          seconds,
          evicted,
          passedThrough,
          FaultCluster.bytesUnder(data.resolve("blobs")) >> 20,
          daemon.isAlive());
    } finally {
      CommandResult.run(List.of("umount", "-l", data.toString()), Map.of(), Duration.ofSeconds(10));
    }
  }
}
