package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped under two tracker replicas, then a freshly pushed image pulled through the agent
 * (issue 16, item 1): both trackers answer every announce "peer store unavailable", so no tracker
 * can list a peer. The pull completes with every digest right, and the agent takes each new blob
 * from the origin because the trackers said they cannot serve, at once, not after its swarm
 * deadline. Figures: the pull's time during the outage against a normal pull of a fresh image of
 * the same size, both after a first pull that warmed the agent up.
 */
class RedisStoppedIT {
  /** Long enough that a pull which waited for it could not pass for one that did not. */
  private static final String SWARM_DEADLINE = "30s";

  private static final String TRACKERS_DOWN = "the trackers cannot serve and no peer is connected";

  @Test
  void aPullDuringARedisOutageGoesToTheOriginAtOnceBecauseTheTrackersCannotServe()
      throws Exception {
    Path work = TestbedDirs.create("redis-stopped");
    try (FaultCluster cluster = FaultCluster.start(work)) {
      Image warmUp = cluster.push("library/warm-up", 2, 8L << 20, 29);
      Image before = cluster.push("library/before", 2, 8L << 20, 31);
      TwoTrackersOnRedis redisCluster =
          TwoTrackersOnRedis.start(
              cluster, List.of(), List.of("agent.swarm-deadline=" + SWARM_DEADLINE));
      DaemonProcess redis = redisCluster.redis();
      DaemonProcess agent = redisCluster.agent();
      String agentAddress = redisCluster.agentAddress();
      String trackerA = redisCluster.trackerA();
      String trackerB = redisCluster.trackerB();

      FaultCluster.assertPulledRight(
          FaultCluster.pull(agentAddress, "library/warm-up", work.resolve("warm-up")),
          work.resolve("warm-up"),
          warmUp);
      long normalStart = System.nanoTime();
      Skopeo.Result normal =
          FaultCluster.pull(agentAddress, "library/before", work.resolve("before"));
      double normalSeconds = (System.nanoTime() - normalStart) / 1e9;
      FaultCluster.assertPulledRight(normal, work.resolve("before"), before);
      assertThat(fromOrigin(cluster, before)).as("a normal pull comes from the swarm").isEmpty();

      long redisPid = redis.pid();
      assertThat(redis.stop()).as("redis-server %d stopped", redisPid).isZero();
      Image during = cluster.push("library/during", 2, 8L << 20, 37);

      long outageStart = System.nanoTime();
      Skopeo.Result outage =
          FaultCluster.pull(agentAddress, "library/during", work.resolve("during"));
      double outageSeconds = (System.nanoTime() - outageStart) / 1e9;

      FaultCluster.assertPulledRight(outage, work.resolve("during"), during);
      // The config is tiny: it came inside its metainfo answer, which needs no peer store
      // (decision 31). Every layer needs a swarm, so the agent took each from the origin.
      Set<String> layers = new TreeSet<>(during.layerDigests());
      assertThat(fromOrigin(cluster, during))
          .as("the agent took every new layer from the origin, and the config from none")
          .isEqualTo(layers);
      List<String> fallbacks =
          agent.output().lines().filter(l -> l.contains("instead of the swarm:")).toList();
      for (String digest : layers) {
        assertThat(fallbacks)
            .as("why the agent went to the origin for %s", digest)
            .filteredOn(line -> line.contains(digest))
            .singleElement()
            .satisfies(
                line ->
                    assertThat(line)
                        .contains(TRACKERS_DOWN, "peer store unavailable", trackerA, trackerB)
                        .doesNotContain("no progress in the swarm"));
      }
      System.out.printf(
          "FAULT redis-stopped: redis-server (pid %d) stopped under two trackers; a fresh image"
              + " of %d blobs (%d MiB) pulled in %.2f s through the agent, against %.2f s for a"
              + " normal pull (%+.2f s); every new layer from the origin because the trackers"
              + " cannot serve (agent.swarm-deadline %s not waited for)%n",
          redisPid,
          during.blobs().size(),
          during.blobs().stream().mapToLong(b -> b.size()).sum() >> 20,
          outageSeconds,
          normalSeconds,
          outageSeconds - normalSeconds,
          SWARM_DEADLINE);
    }
  }

  /** The blobs of {@code image} the agent downloaded from the origin. */
  private static Set<String> fromOrigin(FaultCluster cluster, Image image) throws Exception {
    Set<String> wanted = ClusterBed.blobDigests(image);
    return cluster
        .origin
        .accessLog()
        .byUserAgentPrefix("layerswarm-agent/")
        .blobDownloads()
        .stream()
        .map(e -> e.blobDigest().orElse(""))
        .filter(wanted::contains)
        .collect(Collectors.toSet());
  }
}
