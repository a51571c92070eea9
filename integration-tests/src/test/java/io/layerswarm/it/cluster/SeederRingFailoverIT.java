package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two seeders in a ring (R = 2) behind one tracker. One of them (the "victim": the one the tracker
 * asks first for most layer bytes of this image, so that it has uploads to lose) is killed with
 * SIGKILL while it uploads a layer to the pulling agent; the tracker asks the other owner for
 * everything the victim had not answered yet, and the agent finishes the victim's layers from the
 * other seeder, which the tracker had warmed as the second replica of every blob the victim served.
 * The pull completes with every digest right, and the agents never fall back to the origin. The
 * seeders' upload is capped (4 MiB/s each) so that the kill lands in the middle of an upload; the
 * victim's {@code /metrics} tells when it has started one.
 */
class SeederRingFailoverIT {
  private static final String REPO = "library/ring";
  private ClusterBed bed;

  @AfterEach
  void stopAll() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void whenAnOwningSeederIsKilledMidPullTheOtherOwnerCarriesThePullToTheEnd() throws Exception {
    long t0 = System.nanoTime();
    bed = new ClusterBed(TestbedDirs.create("seeder-ring-failover"));
    Path work = bed.work();
    OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
    Image image = bed.image("image", 4, 48L << 20);
    new RegistryPusher(origin.baseUri()).push(image, REPO, "1");
    Set<String> expected = ClusterBed.blobDigests(image);

    int[] ports = FreePorts.pick(5);
    String a = "http://127.0.0.1:" + ports[0];
    String b = "http://127.0.0.1:" + ports[1];
    String tracker = "http://127.0.0.1:" + ports[2];
    // One file for the whole cluster, as an operator would ship it.
    Path config =
        bed.config(
            "cluster.yaml",
            """
                seeder:
                  ring: [%1$s, %2$s]
                  ring-replicas: 2
                  trackers: [%3$s]
                  upload-rate: 4MiB
                tracker:
                  seeders: [%1$s, %2$s]
                  ring-replicas: 2
                  announce-interval: 5s
                  min-announce-interval: 1s
                  peer-ttl: 30s
                agent:
                  trackers: [%3$s]
                  swarm-deadline: 20s
                """
                .formatted(a, b, tracker));
    String upstream = origin.baseUri().toString();

    CompletableFuture<DaemonProcess> startA =
        ClusterBed.inBackground(
            () ->
                bed.daemon(
                    "seederA",
                    "seeder",
                    "--config",
                    config.toString(),
                    "--listen",
                    "127.0.0.1:" + ports[0],
                    "--peer-listen",
                    "127.0.0.1:0",
                    "--data",
                    work.resolve("seederA").toString(),
                    "--upstream",
                    upstream));
    CompletableFuture<DaemonProcess> startB =
        ClusterBed.inBackground(
            () ->
                bed.daemon(
                    "seederB",
                    "seeder",
                    "--config",
                    config.toString(),
                    "--listen",
                    "127.0.0.1:" + ports[1],
                    "--peer-listen",
                    "127.0.0.1:0",
                    "--data",
                    work.resolve("seederB").toString(),
                    "--upstream",
                    upstream));
    List<String> agents = List.of("127.0.0.1:" + ports[3], "127.0.0.1:" + ports[4]);
    CompletableFuture<DaemonProcess> startAgent1 =
        ClusterBed.inBackground(() -> agent(config, agents.get(0), "agent1", upstream));
    DaemonProcess seederA = startA.get(3, TimeUnit.MINUTES);
    DaemonProcess seederB = startB.get(3, TimeUnit.MINUTES);
    // The tracker after the seeders, as in a deployment: its first health probes find both up.
    // (Started together, a slow seeder may be marked dead for a probe round at the start, and a
    // blob requested then is not warmed on it: the scenario here is a healthy ring losing one.)
    CompletableFuture<DaemonProcess> startTracker =
        ClusterBed.inBackground(
            () ->
                bed.daemon(
                    "tracker",
                    "tracker",
                    "--config",
                    config.toString(),
                    "--listen",
                    "127.0.0.1:" + ports[2]));
    DaemonProcess trackerProcess = startTracker.get(3, TimeUnit.MINUTES);
    startAgent1.get(3, TimeUnit.MINUTES);
    assertThat(trackerProcess.output())
        .as("tracker log: no seeder may be dead before the pull")
        .doesNotContain(" is dead after ");

    SeederRing ring = SeederRing.of(List.of(URI.create(a), URI.create(b)), 2);
    Map<String, String> firstOwner = new TreeMap<>();
    long firstOwnedByA = 0;
    for (Blob blob : image.blobs()) {
      String owner = ring.rank(Digest.parse(blob.digest())).get(0).toString();
      firstOwner.put(blob.digest(), owner);
      firstOwnedByA += owner.equals(a) ? blob.size() : -blob.size();
    }
    boolean killA = firstOwnedByA > 0;
    String victim = killA ? a : b;
    DaemonProcess victimProcess = killA ? seederA : seederB;
    String victimName = killA ? "seederA" : "seederB";
    String survivorName = killA ? "seederB" : "seederA";
    System.out.println(
        "first owner per blob: " + firstOwner + "; killing " + victimName + " " + victim);
    System.out.printf("daemons up after %.1f s%n", (System.nanoTime() - t0) / 1e9);

    CompletableFuture<Skopeo.Result> first =
        CompletableFuture.supplyAsync(
            () -> ClusterBed.pull(agents.get(0), REPO, "1", work.resolve("pull1")));
    // Kill the victim once a seeder has fetched a blob from the origin and the victim is uploading
    // to the agent.
    origin.awaitAccessLog(
        log -> !log.byUserAgentPrefix("layerswarm-seeder/").blobDownloads().isEmpty(),
        Duration.ofSeconds(120));
    URI victimMetrics = URI.create(victim + "/metrics");
    Await.until(
        victimName + " uploading to the agent",
        Duration.ofSeconds(120),
        () -> {
          try {
            return ClusterBed.metric(ClusterBed.get(victimMetrics), "seeder_uploaded_bytes", "")
                >= 1 << 20;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(first).as("the pull must still run when the seeder dies").isNotDone();
    victimProcess.kill();
    Set<String> heldByVictim = ClusterBed.heldBlobs(work.resolve(victimName));
    long killedAt = System.nanoTime();
    System.out.println(victimName + " killed while uploading; it held " + heldByVictim);
    assertThat(heldByVictim).as("blobs the victim held (and served) when it died").isNotEmpty();

    Skopeo.Result r1 = first.get(5, TimeUnit.MINUTES);
    System.out.printf("pull 1 done %.1f s after the kill%n", (System.nanoTime() - killedAt) / 1e9);
    assertThat(r1.ok()).as("pull through agent 1 with a seeder killed: %s", r1.output()).isTrue();

    // The tracker's own health checks take A out (2 failed probes, or failed requests).
    trackerProcess.awaitOutput(
        Pattern.compile("seeder " + Pattern.quote(victim) + " is dead"), Duration.ofSeconds(30));
    int logMark = origin.accessLog().entries().size();

    // A fresh agent after the kill: every blob comes from the survivor (and agent 1).
    agent(config, agents.get(1), "agent2", upstream);
    Skopeo.Result r2 = ClusterBed.pull(agents.get(1), REPO, "1", work.resolve("pull2"));
    assertThat(r2.ok())
        .as("pull through a fresh agent with one seeder left: %s", r2.output())
        .isTrue();

    for (String pull : List.of("pull1", "pull2")) {
      Skopeo.DirImage got = Skopeo.readDir(work.resolve(pull)); // checks every sha256
      assertThat(new TreeSet<>(got.blobDigests())).as(pull).isEqualTo(expected);
    }
    assertThat(ClusterBed.heldBlobs(work.resolve(survivorName)))
        .as("the surviving seeder holds every blob")
        .containsAll(expected);

    AccessLog log =
        origin.accessLog().filter(e -> !e.userAgent().equals(RegistryPusher.USER_AGENT));
    AccessLog agentBlobGets =
        log.byUserAgentPrefix("layerswarm-agent/").filter(AccessLog.Entry::isBlobDownload);
    assertThat(agentBlobGets.entries())
        .as(
            "agent blob GETs to the origin (a swarm fallback); agent 1 log:\n%s",
            grep(work.resolve("agent1.log"), "instead of the swarm"))
        .isEmpty();
    Map<String, Long> seederGets = log.byUserAgentPrefix("layerswarm-seeder/").blobGetsByDigest();
    System.out.println("origin blob GETs by seeders per digest: " + seederGets);
    assertThat(seederGets.keySet()).isEqualTo(expected);
    assertThat(seederGets.values())
        .as("each blob leaves the origin at most R = 2 times")
        .allMatch(n -> n >= 1 && n <= 2);
    List<AccessLog.Entry> afterKill =
        origin.accessLog().entries().subList(logMark, origin.accessLog().entries().size());
    assertThat(afterKill)
        .as("origin blob downloads during the second pull")
        .noneMatch(e -> e.isBlobDownload() && e.userAgent().startsWith("layerswarm-agent/"));
    System.out.printf(
        "origin sent %d blob bytes for an image of %d; IT took %.1f s%n",
        log.totalBlobBytesSent(),
        image.blobs().stream().mapToLong(Blob::size).sum(),
        (System.nanoTime() - t0) / 1e9);
  }

  private DaemonProcess agent(Path config, String listen, String name, String upstream)
      throws Exception {
    return bed.daemon(
        name,
        "agent",
        "--config",
        config.toString(),
        "--listen",
        listen,
        "--peer-listen",
        "127.0.0.1:0",
        "--data",
        bed.work().resolve(name).toString(),
        "--upstream",
        upstream,
        "--admin-socket",
        "");
  }

  private static String grep(Path log, String text) {
    try {
      return String.join(
          "\n", Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList());
    } catch (Exception e) {
      return "(" + e + ")";
    }
  }
}
