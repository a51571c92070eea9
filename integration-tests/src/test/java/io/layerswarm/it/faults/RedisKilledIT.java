package io.layerswarm.it.faults;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Redis killed (SIGKILL) under two tracker replicas in the middle of a pull: the trackers cannot
 * share or even store peers any more, yet the pull completes with every digest right (the agent
 * falls back to the origin where the swarm cannot help: at once when both trackers say they cannot
 * serve and it has no peer, else after its swarm deadline). Figures: the pull's time against one
 * with Redis up.
 */
class RedisKilledIT {
  private static final Duration SWARM_DEADLINE = Duration.ofSeconds(5);

  @Test
  void aPullCompletesWhenRedisDiesUnderTwoTrackers() throws Exception {
    Path work = TestbedDirs.create("redis-killed");
    try (FaultCluster cluster = FaultCluster.start(work)) {
      Image before = cluster.push("library/before", 3, 48L << 20, 19);
      Image during = cluster.push("library/during", 3, 48L << 20, 23);
      TwoTrackersOnRedis redisCluster =
          TwoTrackersOnRedis.start(
              cluster,
              List.of("tracker.announce-interval=5s", "tracker.min-announce-interval=1s"),
              List.of("agent.swarm-deadline=" + SWARM_DEADLINE.toSeconds() + "s"));
      DaemonProcess redis = redisCluster.redis();
      String agent = redisCluster.agentAddress();

      long baselineStart = System.nanoTime();
      FaultCluster.assertPulledRight(
          FaultCluster.pull(agent, "library/before", work.resolve("before")),
          work.resolve("before"),
          before);
      double baseline = (System.nanoTime() - baselineStart) / 1e9;

      long start = System.nanoTime();
      CompletableFuture<Skopeo.Result> pull =
          FaultCluster.pullInBackground(agent, "library/during", work.resolve("during"));
      // Kill Redis once the pull is under way: the seeder has begun fetching its blobs.
      cluster.awaitSeederFetching(during);
      redis.kill();
      double killedAfter = (System.nanoTime() - start) / 1e9;
      Skopeo.Result result = pull.get();
      double seconds = (System.nanoTime() - start) / 1e9;

      FaultCluster.assertPulledRight(result, work.resolve("during"), during);
      AccessLog agentFromOrigin = cluster.origin.accessLog().byUserAgentPrefix("layerswarm-agent/");
      System.out.printf(
          "FAULT redis-killed: Redis SIGKILLed %.1f s into a pull of %d blobs (%d MiB) under two"
              + " trackers; the pull completed in %.1f s (%.1f s with Redis up), every digest"
              + " right; the agent took %d blob(s) from the origin (agent.swarm-deadline %s)%n",
          killedAfter,
          during.blobs().size(),
          during.blobs().stream().mapToLong(b -> b.size()).sum() >> 20,
          seconds,
          baseline,
          agentFromOrigin.blobDownloads().size(),
          SWARM_DEADLINE);
    }
  }
}
