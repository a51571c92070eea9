package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seeder ring changes while pulls run, without a restart (issue 15). Seeders A and B (R = 2)
 * behind one tracker hold an image's blobs (2 origin GETs each); seeder C is started with a config
 * that lists A, B and C. While agent 1 pulls the image, the cluster file gets C and only seeder A
 * is sent SIGHUP: B, C and the tracker take the new ring from A ({@code GET /ring}). The pull
 * completes; a fresh agent's pull makes the tracker ask C for the blobs C now owns, and C copies
 * them from A or B, never from the origin. Then B is removed the same way (SIGHUP to C) while agent
 * 3 pulls from the seeders alone: the pull completes, the tracker stops asking B, B keeps seeding,
 * and C copies the blobs it newly owns from A or B. The origin's GETs per blob stay at 2 all along.
 * Seeders upload at 1 MiB/s each so that a pull lasts a few seconds.
 */
class RingChangeIT {
  private static final String REPO = "library/ringchange";
  private static final Pattern APPLIED =
      Pattern.compile("SIGHUP: config read again; seeder.ring, seeder.ring-replicas applied");
  private ClusterBed bed;

  @AfterEach
  void stopAll() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aSeederJoinsAndLeavesByReloadWhilePullsRunAndNewOwnersCopyFromOldOnes() throws Exception {
    long t0 = System.nanoTime();
    bed = new ClusterBed(TestbedDirs.create("ring-change"));
    Path work = bed.work();
    OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
    Image image = bed.image("image", 8, 12L << 20);
    new RegistryPusher(origin.baseUri()).push(image, REPO, "1");
    Set<String> expected = ClusterBed.blobDigests(image);
    String upstream = origin.baseUri().toString();

    int[] ports = FreePorts.pick(7);
    String a = "http://127.0.0.1:" + ports[0];
    String b = "http://127.0.0.1:" + ports[1];
    String c = "http://127.0.0.1:" + ports[2];
    String tracker = "http://127.0.0.1:" + ports[3];
    Path cluster = bed.config("cluster.yaml", config(tracker, a, b));
    Path cFile = bed.config("seeder-c.yaml", config(tracker, a, b, c));

    CompletableFuture<DaemonProcess> startA =
        ClusterBed.inBackground(() -> seeder("seederA", cluster, ports[0], upstream));
    CompletableFuture<DaemonProcess> startB =
        ClusterBed.inBackground(() -> seeder("seederB", cluster, ports[1], upstream));
    CompletableFuture<DaemonProcess> startC =
        ClusterBed.inBackground(() -> seeder("seederC", cFile, ports[2], upstream));
    DaemonProcess seederA = startA.get(3, TimeUnit.MINUTES);
    DaemonProcess seederB = startB.get(3, TimeUnit.MINUTES);
    DaemonProcess seederC = startC.get(3, TimeUnit.MINUTES);
    DaemonProcess trackerProcess =
        bed.daemon(
            "tracker",
            "tracker",
            "--config",
            cluster.toString(),
            "--listen",
            "127.0.0.1:" + ports[3]);
    DaemonProcess agent1 = agent(cluster, ports[4], "agent1", upstream);
    System.out.printf("daemons up after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    // The image is in the cluster before the change: both owners (A and B) hold every blob.
    metainfoViaTracker(tracker, origin, expected);
    awaitHeld(work.resolve("seederA"), expected);
    awaitHeld(work.resolve("seederB"), expected);
    Map<String, Long> getsBefore = seederGets(origin);
    assertThat(getsBefore.values()).as("origin GETs per blob before the change").containsOnly(2L);

    // 1. Add C while agent 1 pulls: the cluster file gets C, and only A is reloaded.
    CompletableFuture<Skopeo.Result> pull1 = pull(ports[4], work.resolve("pull1"));
    awaitUploads(List.of(a, b), 1 << 20);
    assertThat(pull1).as("the pull must still run when the ring changes").isNotDone();
    bed.config("cluster.yaml", config(tracker, a, b, c));
    seederA.hangUp();
    seederA.awaitOutput(APPLIED, Duration.ofSeconds(30));
    trackerProcess.awaitOutput(
        Pattern.compile("seeder ring changed by a member: .*added \\[" + Pattern.quote(c) + "\\]"),
        Duration.ofSeconds(60));
    seederB.awaitOutput(
        Pattern.compile("seeder ring changed by a member: .*added \\[" + Pattern.quote(c) + "\\]"),
        Duration.ofSeconds(60));
    Skopeo.Result r1 = pull1.get(5, TimeUnit.MINUTES);
    assertThat(r1.ok()).as("the pull that ran while C joined: %s", r1.output()).isTrue();
    assertThat(seederA.isAlive() && seederB.isAlive() && trackerProcess.isAlive())
        .as("SIGHUP does not stop a daemon")
        .isTrue();

    // 2. A fresh agent: the tracker asks C for what C owns now; C copies it from A or B.
    DaemonProcess agent2 = agent(cluster, ports[5], "agent2", upstream);
    Skopeo.Result r2 = pull(ports[5], work.resolve("pull2")).get(5, TimeUnit.MINUTES);
    assertThat(r2.ok()).as("pull after the join: %s", r2.output()).isTrue();
    SeederRing abc = ring(2, a, b, c);
    Set<String> ownedByC = owned(expected, abc, c);
    System.out.println("C owns " + ownedByC.size() + " of " + expected.size() + " blobs");
    assertThat(ownedByC).as("the image's blobs C owns in A, B, C").isNotEmpty();
    awaitHeld(work.resolve("seederC"), ownedByC);
    String cMetrics = ClusterBed.get(URI.create(c + "/metrics"));
    assertThat(ClusterBed.metric(cMetrics, "seeder_origin_bytes_total", ""))
        .as("bytes C took from the origin")
        .isZero();
    assertThat(ClusterBed.metric(cMetrics, "seeder_copied_blobs_total", ""))
        .as("blobs C copied from A or B")
        .isGreaterThanOrEqualTo(ownedByC.size());
    assertThat(seederGets(origin)).as("origin GETs per blob after the join").isEqualTo(getsBefore);

    // 3. Remove B while agent 3 pulls from the seeders alone, by a reload of C alone.
    agent1.stop();
    agent2.stop();
    agent(cluster, ports[6], "agent3", upstream);
    CompletableFuture<Skopeo.Result> pull3 = pull(ports[6], work.resolve("pull3"));
    awaitUploads(List.of(a, b, c), 1 << 20);
    assertThat(pull3).as("the pull must still run when B leaves").isNotDone();
    bed.config("cluster.yaml", config(tracker, a, c));
    bed.config("seeder-c.yaml", config(tracker, a, c));
    seederC.hangUp();
    seederC.awaitOutput(APPLIED, Duration.ofSeconds(30));
    trackerProcess.awaitOutput(
        Pattern.compile(
            "seeder ring changed by a member: .*removed \\[" + Pattern.quote(b) + "\\]"),
        Duration.ofSeconds(60));
    Skopeo.Result r3 = pull3.get(5, TimeUnit.MINUTES);
    assertThat(r3.ok()).as("the pull that ran while B left: %s", r3.output()).isTrue();

    // The tracker no longer asks B; C now owns every blob (R = 2 of A, C) and copies the rest.
    double bLookups = lookups(b);
    metainfoViaTracker(tracker, origin, expected);
    assertThat(lookups(b)).as("metainfo requests to B after it left").isEqualTo(bLookups);
    awaitHeld(work.resolve("seederC"), expected);
    assertThat(
            ClusterBed.metric(
                ClusterBed.get(URI.create(c + "/metrics")), "seeder_origin_bytes_total", ""))
        .as("bytes C took from the origin")
        .isZero();
    assertThat(seederGets(origin)).as("origin GETs per blob at the end").isEqualTo(getsBefore);
    assertThat(seederB.isAlive()).as("B keeps running after it left the ring").isTrue();
    assertThat(ClusterBed.metric(ClusterBed.get(URI.create(b + "/metrics")), "seeder_torrents", ""))
        .as("torrents B still seeds")
        .isPositive();

    for (String pull : List.of("pull1", "pull2", "pull3")) {
      Skopeo.DirImage got = Skopeo.readDir(work.resolve(pull)); // checks every sha256
      assertThat(new TreeSet<>(got.blobDigests())).as(pull).isEqualTo(expected);
    }
    AccessLog agentGets =
        origin
            .accessLog()
            .byUserAgentPrefix("layerswarm-agent/")
            .filter(AccessLog.Entry::isBlobDownload);
    assertThat(agentGets.entries()).as("agent blob GETs at the origin (swarm fallbacks)").isEmpty();
    System.out.printf("RingChangeIT took %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static String config(String tracker, String... seeders) {
    String list = String.join(", ", seeders);
    return """
        seeder:
          ring: [%1$s]
          ring-replicas: 2
          trackers: [%2$s]
          upload-rate: 1MiB
        tracker:
          seeders: [%1$s]
          ring-replicas: 2
          announce-interval: 5s
          min-announce-interval: 1s
          peer-ttl: 30s
        agent:
          trackers: [%2$s]
          swarm-deadline: 30s
        """
        .formatted(list, tracker);
  }

  /** What an agent's pull asks first: the tracker's metainfo of each blob. */
  private static void metainfoViaTracker(String tracker, OriginRegistry origin, Set<String> digests)
      throws Exception {
    for (String digest : digests) {
      ClusterBed.get(
          URI.create(
              tracker
                  + "/metainfo/"
                  + digest
                  + "?registry="
                  + origin.hostPort()
                  + "&repo="
                  + REPO));
    }
  }

  private static SeederRing ring(int replicas, String... members) {
    return SeederRing.of(List.of(members).stream().map(URI::create).toList(), replicas);
  }

  private static Set<String> owned(Set<String> digests, SeederRing ring, String member) {
    Set<String> owned = new TreeSet<>();
    for (String digest : digests) {
      if (ring.owners(Digest.parse(digest)).contains(URI.create(member))) {
        owned.add(digest);
      }
    }
    return owned;
  }

  private DaemonProcess seeder(String name, Path config, int port, String upstream)
      throws Exception {
    List<String> args =
        new ArrayList<>(List.of(ClusterBed.seederArgs(port, bed.work().resolve(name), upstream)));
    args.addAll(List.of("--config", config.toString()));
    return bed.daemon(name, args.toArray(String[]::new));
  }

  private DaemonProcess agent(Path config, int port, String name, String upstream)
      throws Exception {
    return bed.daemon(
        name,
        ClusterBed.agentArgs(
            port, bed.work().resolve(name), upstream, List.of(), "--config", config.toString()));
  }

  private static CompletableFuture<Skopeo.Result> pull(int agentPort, Path dir) {
    return CompletableFuture.supplyAsync(
        () -> ClusterBed.pull("127.0.0.1:" + agentPort, REPO, "1", dir));
  }

  /** Until the seeders' uploads together reach {@code bytes} more than now. */
  private static void awaitUploads(List<String> seeders, long bytes) throws Exception {
    double start = uploaded(seeders);
    Await.until(
        "the seeders upload " + bytes + " bytes",
        Duration.ofSeconds(120),
        () -> {
          try {
            return uploaded(seeders) - start >= bytes;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static double uploaded(List<String> seeders) throws Exception {
    double sum = 0;
    for (String seeder : seeders) {
      sum +=
          ClusterBed.metric(
              ClusterBed.get(URI.create(seeder + "/metrics")), "seeder_uploaded_bytes", "");
    }
    return sum;
  }

  private static double lookups(String seeder) throws Exception {
    return ClusterBed.metric(
        ClusterBed.get(URI.create(seeder + "/metrics")), "seeder_cache_lookups_total", "");
  }

  private static void awaitHeld(Path seederData, Set<String> digests) {
    Await.until(
        seederData.getFileName() + " holds " + digests,
        Duration.ofSeconds(60),
        () -> {
          try {
            return ClusterBed.heldBlobs(seederData).containsAll(digests);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static Map<String, Long> seederGets(OriginRegistry origin) throws IOException {
    return origin.accessLog().byUserAgentPrefix("layerswarm-seeder/").blobGetsByDigest();
  }
}
