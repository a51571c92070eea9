package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Redis Sentinel fails the peer store over under two trackers in the middle of a pull: a master and
 * a replica (Debian's redis-server, with a password), three sentinels (Debian's redis-sentinel,
 * quorum 2, down after 1 s), two trackers on the sentinel URI, a seeder and an agent. The master is
 * SIGKILLed once the pull is under way. The pull completes with every digest right, the sentinels
 * promote the replica, and both trackers answer announces again: their connections follow the new
 * master, where the scripts are loaded again ({@code NOSCRIPT}, then {@code EVAL}). Figures: the
 * time from the kill to each tracker's first successful announce, and the announces the trackers
 * answered "unavailable" in between.
 */
class SentinelFailoverIT {
  private static final Duration DOWN_AFTER = Duration.ofSeconds(1);
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(60);
  private static final long PROBE_EVERY_NANOS = Duration.ofMillis(100).toNanos();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aPullCompletesAndAnnouncesWorkAgainWhenSentinelFailsTheMasterOver() throws Exception {
    Path work = TestbedDirs.create("sentinel-failover");
    try (FaultCluster cluster = FaultCluster.start(work)) {
      Image during = cluster.push("library/during", 3, 48L << 20, 29);
      Image after = cluster.push("library/after", 2, 16L << 20, 31);
      SentinelBed sentinel =
          SentinelBed.start(cluster.bed, "s3cret-" + work.hashCode(), DOWN_AFTER);
      TwoTrackersOnRedis trackers =
          TwoTrackersOnRedis.around(
              cluster,
              sentinel.master,
              sentinel.uri(),
              List.of("tracker.announce-interval=5s", "tracker.min-announce-interval=1s"),
              List.of("agent.swarm-deadline=5s"));
      List<String> urls = List.of(trackers.trackerA(), trackers.trackerB());
      for (String tracker : urls) {
        assertThat(announce(tracker)).as("an announce to %s before the failover", tracker).isTrue();
        assertThat(ClusterBed.get(URI.create(tracker + "/healthz"))).isEqualTo("ok");
      }

      CompletableFuture<Skopeo.Result> pull =
          FaultCluster.pullInBackground(
              trackers.agentAddress(), "library/during", work.resolve("during"));
      // Kill the master once the pull is under way: the seeder has begun fetching its blobs.
      cluster.awaitSeederFetching(during);
      double unavailableBefore = unavailableAnnounces(urls);
      long killedAt = System.nanoTime();
      sentinel.master.kill();

      // Both trackers, probed every 100 ms, until an announce to each succeeds again (bounded).
      long[] backAfterNanos = new long[urls.size()];
      int[] probesFailed = new int[urls.size()];
      boolean[] unhealthySeen = new boolean[urls.size()];
      long deadline = killedAt + FAILOVER_BOUND.toNanos();
      while (Arrays.stream(backAfterNanos).anyMatch(t -> t == 0)) {
        for (int i = 0; i < urls.size(); i++) {
          if (backAfterNanos[i] != 0) {
            continue;
          }
          if (announce(urls.get(i))) {
            backAfterNanos[i] = System.nanoTime() - killedAt;
          } else {
            probesFailed[i]++;
            unhealthySeen[i] |= healthz(urls.get(i)) == 503;
          }
        }
        assertThat(System.nanoTime() - deadline)
            .as("both trackers answer announces again within %s of the kill", FAILOVER_BOUND)
            .isNegative();
        LockSupport.parkNanos(PROBE_EVERY_NANOS);
      }
      double unavailableDuring = unavailableAnnounces(urls) - unavailableBefore;

      // The sentinels promoted the replica, and the trackers use it.
      Await.until(
          "the sentinels to agree that the replica is the master",
          Duration.ofSeconds(30),
          () -> sentinel.masterPortBySentinels() == sentinel.replicaPort);
      assertThat(sentinel.replication(sentinel.replicaPort)).contains("role:master");
      for (String tracker : urls) {
        Await.until(
            tracker + "/healthz to answer ok",
            Duration.ofSeconds(30),
            () -> healthz(tracker) == 200);
      }

      Skopeo.Result result = pull.get();
      double pullSeconds = (System.nanoTime() - killedAt) / 1e9;
      FaultCluster.assertPulledRight(result, work.resolve("during"), during);

      // The seeder's and the agent's own announces work after the failover too.
      double okAfter = okAnnounces(urls);
      Await.until(
          "the members' announces to succeed after the failover",
          Duration.ofSeconds(30),
          () -> okAnnounces(urls) > okAfter);
      FaultCluster.assertPulledRight(
          FaultCluster.pull(trackers.agentAddress(), "library/after", work.resolve("after")),
          work.resolve("after"),
          after);

      System.out.printf(
          "FAULT sentinel-failover: master SIGKILLed mid-pull under two trackers (sentinel"
              + " down-after %d ms, quorum 2 of 3); announces back after %.2f s (tracker A) and"
              + " %.2f s (tracker B); %d + %d probe announces failed meanwhile (one per 100 ms),"
              + " the trackers answered %.0f announces 'unavailable' in all (probes included);"
              + " /healthz 503 seen during it: %s/%s; the pull of %d blobs completed %.1f s"
              + " after the kill, every digest right, and a pull after the failover too%n",
          DOWN_AFTER.toMillis(),
          backAfterNanos[0] / 1e9,
          backAfterNanos[1] / 1e9,
          probesFailed[0],
          probesFailed[1],
          unavailableDuring,
          unhealthySeen[0],
          unhealthySeen[1],
          during.blobs().size(),
          pullSeconds);
    }
  }

  /** The sum of {@code tracker_announces_total{result="unavailable"}} over the trackers. */
  private static double unavailableAnnounces(List<String> trackers) {
    return announcesCounted(trackers, "result=\"unavailable\"");
  }

  private static double okAnnounces(List<String> trackers) {
    return announcesCounted(trackers, "result=\"ok\"");
  }

  private static double announcesCounted(List<String> trackers, String label) {
    double sum = 0;
    for (String tracker : trackers) {
      try {
        sum +=
            ClusterBed.metric(
                ClusterBed.get(URI.create(tracker + "/metrics")), "tracker_announces_total", label);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return sum;
  }

  /**
   * One announce of a probe peer (random info hash and id, open mode as the cluster runs): true if
   * the tracker answered it with peers, not with a failure reason.
   */
  private static boolean announce(String tracker) {
    byte[] infoHash = new byte[20];
    byte[] peerId = new byte[20];
    ThreadLocalRandom.current().nextBytes(infoHash);
    ThreadLocalRandom.current().nextBytes(peerId);
    URI uri =
        URI.create(
            tracker
                + "/announce?info_hash="
                + percent(infoHash)
                + "&peer_id="
                + percent(peerId)
                + "&port=6881&uploaded=0&downloaded=0&left=0&compact=1&numwant=0");
    try {
      HttpResponse<String> reply =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
      return reply.statusCode() == 200 && !reply.body().contains("failure reason");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int healthz(String tracker) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(tracker + "/healthz"))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String percent(byte[] bytes) {
    return HexFormat.of().withUpperCase().formatHex(bytes).replaceAll("(..)", "%$1");
  }
}
