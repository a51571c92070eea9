package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the agent in the middle of a pull (its downloads capped so there is a middle): what it
 * stored is whole and right, and after a restart on the same data directory the pull completes with
 * every digest right.
 */
class AgentKilledMidPullIT {
  @Test
  void anAgentKilledMidPullStartsAgainAndThePullCompletesWithEveryDigestRight() throws Exception {
    Path work = TestbedDirs.create("agent-kill9");
    try (FaultCluster cluster = FaultCluster.start(work).trackerAndSeeder()) {
      Image image = cluster.push("library/app", 4, 128L << 20, 11);
      int port = FreePorts.pick();
      String agent = "127.0.0.1:" + port;
      Path data = work.resolve("agent");
      String upstream = cluster.origin.baseUri().toString();
      DaemonProcess first =
          cluster
              .agent("agent", port, data, upstream, "--set", "agent.download-rate=16MiB")
              .start();
      CompletableFuture<Skopeo.Result> interrupted =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return FaultCluster.pull(agent, "library/app", work.resolve("pull1"));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Await.until(
          "the agent to be downloading",
          Duration.ofSeconds(60),
          () -> {
            try {
              return FaultCluster.bytesUnder(data.resolve("partial")) > (4L << 20);
            } catch (java.io.IOException e) {
              return false;
            }
          });
      first.kill();
      long storedAtKill = FaultCluster.filesUnder(data.resolve("blobs"));
      long partialAtKill = FaultCluster.bytesUnder(data.resolve("partial"));
      assertThat(FaultCluster.wrongBlobFiles(data))
          .as("a stored blob is whole and right")
          .isEmpty();
      assertThat(interrupted.get().ok()).as("the pull under the killed agent fails").isFalse();

      long restart = System.nanoTime();
      DaemonProcess second =
          cluster.bed.track(cluster.agent("agent", port, data, upstream).start());
      double readySeconds = (System.nanoTime() - restart) / 1e9;
      long pullStart = System.nanoTime();
      Skopeo.Result again = FaultCluster.pull(agent, "library/app", work.resolve("pull2"));
      double pullSeconds = (System.nanoTime() - pullStart) / 1e9;

      FaultCluster.assertPulledRight(again, work.resolve("pull2"), image);
      assertThat(FaultCluster.wrongBlobFiles(data)).isEmpty();
      assertThat(FaultCluster.filesUnder(data.resolve("partial"))).isZero();
      assertThat(FaultCluster.filesUnder(data.resolve("tmp"))).isZero();
      assertThat(second.isAlive()).isTrue();
      System.out.printf(
          "FAULT agent-kill9: killed with %d of %d blobs stored and %d MiB in partial/; restart"
              + " ready in %.1f s; the pull again took %.1f s, every digest right, no partial or"
              + " wrong file left%n",
          storedAtKill, image.blobs().size(), partialAtKill >> 20, readySeconds, pullSeconds);
    }
  }
}
