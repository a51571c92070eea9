package io.layerswarm.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.sim.net.NetworkOptions;
import io.layerswarm.sim.report.RunResult;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * About fifty hosts pulling through the engine's own policy, with arrivals spread over two seconds
 * and some hosts crashing mid-pull. Checks what must hold whatever the tuning, never a time: every
 * host that did not crash finishes with every piece verified, duplicates outside the endgame stay
 * bounded, and the seeders together send at least the image. Hosts and seeders run the product's
 * policies: an agent keeps a finished download as its seed, the seeder offers pieces one by one.
 */
class SwarmSimSmokeTest {
  private static final int HOSTS = 50;

  /** Wasted piece data outside the endgame, per host, at most this share of S. */
  private static final double WASTE_BOUND = 0.5;

  /**
   * The config blob (1,000 bytes) goes through the swarm like a layer, to keep it in the checks.
   */
  private static Scenario scenario(boolean preheated, double failFraction) {
    return scenario(preheated, failFraction, 0);
  }

  private static Scenario scenario(boolean preheated, double failFraction, int inlineMaxBytes) {
    return scenario(preheated, failFraction, inlineMaxBytes, 500e6, true);
  }

  private static Scenario scenario(
      boolean preheated,
      double failFraction,
      int inlineMaxBytes,
      double verifyBytesPerSecond,
      boolean verifyStreamed) {
    return new Scenario(
        HOSTS,
        Scenario.equalLayers(8L * 1024 * 1024, 2),
        1000,
        100_000_000,
        Duration.ofNanos(50_000),
        1,
        preheated,
        100_000_000,
        Duration.ofSeconds(2),
        failFraction,
        3,
        0,
        16 * 1024,
        false,
        verifyBytesPerSecond,
        verifyStreamed,
        inlineMaxBytes,
        Duration.ZERO,
        1,
        0,
        1,
        TorrentPolicy.DEFAULTS,
        TorrentPolicy.DEFAULTS.withSuperSeedOffers(SwarmEngine.SUPER_SEED_OFFERS),
        NetworkOptions.DEFAULT,
        42);
  }

  @Test
  void everyHostThatDidNotCrashFinishesWithEveryPieceVerified() {
    RunResult run = ScenarioRun.run(scenario(true, 0.1));

    assertThat(run.summary().failed()).as("hosts crashed").isPositive();
    assertThat(run.summary().unfinished()).isZero();
    assertThat(run.summary().finished() + run.summary().failed()).isEqualTo(HOSTS);
    int blobs = run.scenario().layerBytes().size() + 1;
    for (RunResult.HostResult h : run.hosts()) {
      if (!h.failed()) {
        assertThat(h.blobsVerified()).as("blobs verified by host %d", h.host()).isEqualTo(blobs);
        assertThat(h.seconds()).isPositive();
      }
    }
  }

  @Test
  void duplicatesOutsideTheEndgameStayBoundedAndTheSeedersSendAtLeastTheImage() {
    RunResult run = ScenarioRun.run(scenario(true, 0));

    for (RunResult.HostResult h : run.hosts()) {
      double outsideEndgame =
          (h.wastedPayload() - h.endgameWastedPayload()) / (double) run.imageBytes();
      assertThat(outsideEndgame)
          .as("waste of host %d, in S", h.host())
          .isLessThanOrEqualTo(WASTE_BOUND);
      assertThat(h.downloadedPayload() - h.wastedPayload()).isEqualTo(run.imageBytes());
    }
    long fromSeeders =
        run.seeders().stream().mapToLong(RunResult.SeederResult::uploadedPayload).sum();
    assertThat(fromSeeders).isGreaterThanOrEqualTo(run.imageBytes());
  }

  @Test
  void coldSeedersFetchEachBlobFromTheOriginOnceAndTheHostsStillFinish() {
    RunResult run = ScenarioRun.run(scenario(false, 0));

    assertThat(run.summary().finished()).isEqualTo(HOSTS);
    assertThat(run.originBytes()).isEqualTo(run.imageBytes());
  }

  @Test
  void aConfigUnderTheInlineLimitComesWithItsMetainfoAndNeverThroughTheSwarm() {
    RunResult run = ScenarioRun.run(scenario(true, 0, MetainfoAnswer.DEFAULT_INLINE_MAX_BYTES));

    long layers = run.scenario().layerBytes().stream().mapToLong(Long::longValue).sum();
    assertThat(run.summary().finished()).isEqualTo(HOSTS);
    for (RunResult.HostResult h : run.hosts()) {
      assertThat(h.blobsVerified()).isEqualTo(run.scenario().layerBytes().size() + 1);
      assertThat(h.downloadedPayload() - h.wastedPayload())
          .as("piece data host %d took from peers", h.host())
          .isEqualTo(layers);
    }
  }

  @Test
  void hashingTheStreamedPrefixEndsPullsSoonerThanHashingAfterTheDownload() {
    // A slow hash (20 MB/s, 0.2 s per 4 MiB layer) makes the difference plain.
    RunResult after = ScenarioRun.run(scenario(true, 0, 0, 20e6, false));
    RunResult streamed = ScenarioRun.run(scenario(true, 0, 0, 20e6, true));

    assertThat(streamed.summary().finished()).isEqualTo(HOSTS);
    // The streams hash most of each layer while it arrives, leaving about a piece to the end.
    assertThat(streamed.summary().max()).isLessThan(after.summary().max() - 0.1);
    assertThat(streamed.summary().p50()).isLessThan(after.summary().p50() - 0.1);
  }
}
