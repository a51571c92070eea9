package io.layerswarm.sim.report;

import io.layerswarm.sim.scenario.Scenario;
import java.util.List;

/**
 * What one simulated pull produced: every host's time and bytes, the seeders' and the origin's
 * bytes, and what it cost to simulate. Times are virtual seconds; byte counts on the network
 * include the peer protocol's messages, payload counts are piece data only.
 *
 * @param imageBytes S, the bytes of every blob of the image
 * @param secondsPerImage S/D
 */
public record RunResult(
    Scenario scenario,
    long imageBytes,
    double secondsPerImage,
    List<HostResult> hosts,
    List<SeederResult> seeders,
    long originBytes,
    Summary summary,
    SimStats stats) {
  public RunResult {
    hosts = List.copyOf(hosts);
    seeders = List.copyOf(seeders);
  }

  /**
   * One pulling host.
   *
   * @param seconds T of this host, from its start to its last blob verified; NaN if it did not
   *     finish
   * @param blobsVerified blobs of the image of which this host verified every piece, or that came
   *     inside their metainfo answer and passed the agent's check
   * @param wastedPayload piece data received that was not needed: duplicates and late blocks
   * @param endgameWastedPayload of which in the endgame
   */
  public record HostResult(
      int host,
      double startSeconds,
      double seconds,
      boolean failed,
      int blobsVerified,
      long sentBytes,
      long receivedBytes,
      long uploadedPayload,
      long downloadedPayload,
      long wastedPayload,
      long endgameWastedPayload) {}

  /** One seeder: what it sent, on the network and as piece data. */
  public record SeederResult(int host, long sentBytes, long uploadedPayload) {}

  /**
   * The times of the hosts that finished, and how many did not.
   *
   * @param seconds p50, p90, p99 and max of T, nearest rank
   */
  public record Summary(
      int finished,
      int failed,
      int unfinished,
      double p50,
      double p90,
      double p99,
      double max,
      double seederSentImagesMax,
      double seederSentImagesTotal,
      double hostSentImagesMean,
      double hostReceivedImagesMean,
      double wastedImagesMean,
      double outsideEndgameWastedImagesMax) {}

  /** What the simulation cost. */
  public record SimStats(
      long events,
      double wallSeconds,
      double virtualSeconds,
      long announces,
      long connections,
      long rateRecomputations) {}

  /** The nearest-rank percentile {@code p} (0..100) of sorted {@code values}; NaN if empty. */
  public static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
