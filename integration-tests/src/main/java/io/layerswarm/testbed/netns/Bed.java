package io.layerswarm.testbed.netns;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.RegistryPusher;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What every method of one swarm benchmark run shares: its options, the network, the origin with
 * the image, the image's blob digests and its size S in bytes.
 */
record Bed(
    SwarmBench.Options options,
    NetnsTopology topology,
    NetnsRegistry origin,
    Set<String> expected,
    long imageBlobBytes) {

  /** Where progress lines go. */
  java.io.PrintStream say() {
    return options.out();
  }

  /**
   * The origin's blob downloads since {@code mark}, once the log has stopped growing (distribution
   * writes a line when a response ends; the proxy's background fetches may end a little after the
   * clients).
   */
  AccessLog settledBlobLog(long mark) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    long last = -1;
    int stable = 0;
    while (System.nanoTime() < deadline && stable < 4) {
      long size = origin.logMark();
      stable = size == last ? stable + 1 : 0;
      last = size;
      Thread.sleep(250);
    }
    return origin
        .accessLogSince(mark)
        .filter(e -> e.isBlobDownload() && !e.userAgent().equals(RegistryPusher.USER_AGENT));
  }
}
