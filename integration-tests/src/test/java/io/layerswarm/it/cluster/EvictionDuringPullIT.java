package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.proto.admin.SeederBlob;
import io.layerswarm.proto.admin.SeederBlobsRequest;
import io.layerswarm.proto.admin.SeederEvictRequest;
import io.layerswarm.proto.admin.SeederEvictResponse;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure of pull-through cache trees, end to end: a cache expires a blob by time while a
 * client still pulls it, and the client gets "not found". Here the seeder has a time-to-idle of 1 s
 * and uploads at 2 MiB/s, so the pull of a 20 MiB layer outlasts the time-to-idle many times over.
 *
 * <ol>
 *   <li>While the agent pulls, the layer is idle by the clock (its last metainfo request is more
 *       than 1 s old); an eviction sweep runs then and keeps it, because a peer is downloading it,
 *       and an explicit admin {@code Evict} is refused for the same reason. The pull succeeds.
 *   <li>After the pull, with no peer left and a time-to-idle passed, a sweep evicts it.
 *   <li>A fresh agent pulls the image again: the seeder fetches the layer from the origin once
 *       more; nothing is ever "not found".
 * </ol>
 *
 * Sweeps run every 30 s and, with a disk high watermark set, after every origin fetch; the test
 * makes them happen when it needs them by asking the seeder for the metainfo of small blobs of
 * another image ({@code GET /metainfo/...} on the seeder: one origin fetch each), so it waits for
 * no timer. Usage and evictions are read from the seeder's admin API ({@code ListBlobs}) and {@code
 * /metrics}.
 */
class EvictionDuringPullIT {
  private static final String REPO = "library/evicted";
  private static final String AUX_REPO = "library/sweeps";
  private static final long TTI_MILLIS = 1000;
  private ClusterBed bed;

  @AfterEach
  void stopAll() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aBlobIdleByTheClockIsKeptWhileItIsPulledThenEvictedAndFetchedAgainForTheNextPull()
      throws Exception {
    long t0 = System.nanoTime();
    bed = new ClusterBed(TestbedDirs.create("eviction-during-pull"));
    Path work = bed.work();
    OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
    Image image = bed.image("image", 1, 20L << 20);
    Image aux = bed.image("aux", 6, 6L << 10);
    RegistryPusher pusher = new RegistryPusher(origin.baseUri());
    pusher.push(image, REPO, "1");
    pusher.push(aux, AUX_REPO, "1");
    Set<String> expected = ClusterBed.blobDigests(image);
    String layer = image.layerDigests().get(0);
    Deque<String> sweepTriggers = new ArrayDeque<>(aux.layerDigests());

    int[] ports = FreePorts.pick(4);
    String seeder = "http://127.0.0.1:" + ports[0];
    String tracker = "http://127.0.0.1:" + ports[1];
    String upstream = origin.baseUri().toString();
    Path config =
        bed.config(
            "seeder.yaml",
            """
                seeder:
                  time-to-idle: 1s
                  upload-rate: 2MiB
                  disk-high-watermark: 10GiB
                  admin-listen: 127.0.0.1:0
                tracker:
                  announce-interval: 5s
                  min-announce-interval: 1s
                  peer-ttl: 30s
                """);
    CompletableFuture<DaemonProcess> seederStart =
        ClusterBed.inBackground(
            () ->
                bed.daemon(
                    "seeder",
                    "seeder",
                    "--config",
                    config.toString(),
                    "--listen",
                    "127.0.0.1:" + ports[0],
                    "--peer-listen",
                    "127.0.0.1:0",
                    "--data",
                    work.resolve("seeder").toString(),
                    "--tracker",
                    tracker,
                    "--upstream",
                    upstream));
    CompletableFuture<DaemonProcess> trackerStart =
        ClusterBed.inBackground(
            () ->
                bed.daemon(
                    "tracker",
                    "tracker",
                    "--config",
                    config.toString(),
                    "--listen",
                    "127.0.0.1:" + ports[1],
                    "--seeder",
                    seeder));
    CompletableFuture<DaemonProcess> agentStart =
        ClusterBed.inBackground(() -> agent("agent1", ports[2], tracker, upstream));
    // Agent 2 stays idle until the third step; starting it now saves a JVM start later.
    CompletableFuture<DaemonProcess> agent2Start =
        ClusterBed.inBackground(() -> agent("agent2", ports[3], tracker, upstream));
    DaemonProcess seederProcess = seederStart.get(3, TimeUnit.MINUTES);
    trackerStart.get(3, TimeUnit.MINUTES);
    agentStart.get(3, TimeUnit.MINUTES);
    agent2Start.get(3, TimeUnit.MINUTES);
    System.out.printf("daemons up after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    SeederAdminGrpc.SeederAdminBlockingStub admin =
        bed.seederAdmin(ClusterBed.adminAddress(seederProcess));
    assertThat(sweepTriggers)
        .as("distinct small blobs")
        .hasSize(new TreeSet<>(sweepTriggers).size());
    assertThat(
            admin
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .listBlobs(SeederBlobsRequest.getDefaultInstance())
                .getTimeToIdleMillis())
        .isEqualTo(TTI_MILLIS);
    URI metrics = URI.create(seeder + "/metrics");

    // 1. The pull, and an eviction sweep while the layer is idle by the clock but uploading.
    long pullStart = System.nanoTime();
    CompletableFuture<Skopeo.Result> first =
        CompletableFuture.supplyAsync(
            () -> ClusterBed.pull("127.0.0.1:" + ports[2], REPO, "1", work.resolve("pull1")));
    Await.until(
        "the agent downloading the layer from the seeder",
        Duration.ofSeconds(120),
        () ->
            held(admin, layer)
                .filter(b -> b.getPeers() > 0 && b.getUploadedBytes() > 0)
                .isPresent());
    // Idle by the clock: no metainfo request (nor sweep that saw an upload) for over a
    // time-to-idle.
    Await.until(
        "a time-to-idle to pass since the layer's last recorded use",
        Duration.ofSeconds(30),
        () ->
            System.currentTimeMillis()
                > held(admin, layer).orElseThrow().getLastAccessMillis() + TTI_MILLIS + 500);
    SeederBlob idle = held(admin, layer).orElseThrow();
    long lastRequest = idle.getLastAccessMillis();
    assertThat(first).as("the pull must still run").isNotDone();
    assertThat(idle.getUploadedBytes()).as("uploaded so far").isLessThan(idle.getSize());

    SeederEvictResponse refused =
        admin
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .evict(SeederEvictRequest.newBuilder().setDigest(layer).build());
    System.out.println("admin Evict during the pull: " + refused.toString().replace('\n', ' '));
    assertThat(refused.getEvicted()).as("an explicit eviction during the upload").isFalse();
    assertThat(refused.getReason()).isNotEmpty();

    triggerSweep(sweepTriggers, seeder, origin);
    Await.until(
        "a sweep to see the layer's upload",
        Duration.ofSeconds(30),
        () -> held(admin, layer).map(b -> b.getLastAccessMillis() > lastRequest).orElse(true));
    SeederBlob kept = held(admin, layer).orElse(null);
    assertThat(kept).as("the layer is still held after a sweep during its upload").isNotNull();
    System.out.printf(
        "sweep during the pull: idle by the clock for %d ms (time-to-idle %d ms), kept"
            + " because %d peer(s) downloaded it (%d of %d bytes uploaded)%n",
        kept.getLastAccessMillis() - lastRequest,
        TTI_MILLIS,
        kept.getPeers(),
        kept.getUploadedBytes(),
        kept.getSize());
    assertThat(kept.getLastAccessMillis() - lastRequest)
        .as("idle time the sweep saw")
        .isGreaterThanOrEqualTo(TTI_MILLIS);

    Skopeo.Result r1 = first.get(5, TimeUnit.MINUTES);
    double pullSeconds = (System.nanoTime() - pullStart) / 1e9;
    System.out.printf("pull 1 took %.1f s%n", pullSeconds);
    assertThat(r1.ok()).as("pull 1: %s", r1.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(work.resolve("pull1")).blobDigests()))
        .isEqualTo(expected);

    // 2. After the pull: with no peer left and a time-to-idle passed, a sweep evicts the layer.
    // A sweep evicts only what was idle for a time-to-idle: trigger one at most that often.
    long[] nextSweep = {System.currentTimeMillis() + TTI_MILLIS + 200};
    Await.until(
        "the layer to be evicted after the pull",
        Duration.ofSeconds(90),
        () -> {
          if (held(admin, layer).isEmpty()) {
            return true;
          }
          if (System.currentTimeMillis() >= nextSweep[0] && !sweepTriggers.isEmpty()) {
            triggerSweepUnchecked(sweepTriggers, seeder, origin);
            nextSweep[0] = System.currentTimeMillis() + TTI_MILLIS + 200;
          } // else the periodic sweep (every 30 s) does it
          return false;
        });
    seederProcess.awaitOutput(
        Pattern.compile(
            "digest=\"" + Pattern.quote(layer) + "\".* - evicted \\(\\d+ bytes, idle\\)"),
        Duration.ofSeconds(10));
    assertThat(ClusterBed.heldBlobs(work.resolve("seeder"))).doesNotContain(layer);
    double idleEvictions =
        ClusterBed.metric(ClusterBed.get(metrics), "seeder_evictions_total", "reason=\"idle\"");
    assertThat(idleEvictions).isGreaterThanOrEqualTo(1);
    System.out.printf(
        "layer evicted %.1f s after the pull ended; seeder_evictions_total{reason=\"idle\"} %s%n",
        (System.nanoTime() - pullStart) / 1e9 - pullSeconds, idleEvictions);

    // 3. A fresh agent pulls again: the seeder fetches the layer from the origin once more.
    Skopeo.Result r2 = ClusterBed.pull("127.0.0.1:" + ports[3], REPO, "1", work.resolve("pull2"));
    assertThat(r2.ok()).as("pull 2 after the eviction: %s", r2.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(work.resolve("pull2")).blobDigests()))
        .isEqualTo(expected);
    AccessLog log =
        origin.awaitAccessLog(
            l -> l.byUserAgentPrefix("layerswarm-seeder/").blobGets(layer) >= 2,
            Duration.ofSeconds(10));
    assertThat(log.byUserAgentPrefix("layerswarm-seeder/").blobGets(layer))
        .as("the seeder fetched the layer for pull 1 and again for pull 2")
        .isEqualTo(2);
    assertThat(
            log.filter(
                    e ->
                        e.blobDigest().isPresent()
                            && e.status() == 404
                            && !e.userAgent().equals(RegistryPusher.USER_AGENT))
                .entries())
        .as("blob requests of seeder or agents that the origin answered 404")
        .isEmpty();
    assertThat(log.byUserAgentPrefix("layerswarm-agent/").blobDownloads())
        .as("agent blob GETs to the origin (a swarm fallback)")
        .isEmpty();
    assertThat(log.byUserAgentPrefix("layerswarm-seeder/").blobBytesByDigest().get(layer))
        .isEqualTo(2 * image.blob(layer).map(Blob::size).orElseThrow());
    System.out.printf("IT took %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static Optional<SeederBlob> held(
      SeederAdminGrpc.SeederAdminBlockingStub admin, String digest) {
    return admin
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .listBlobs(SeederBlobsRequest.getDefaultInstance())
        .getBlobsList()
        .stream()
        .filter(b -> b.getDigest().equals(digest))
        .findFirst();
  }

  /**
   * Makes the seeder fetch one more small blob from the origin; with a disk high watermark set,
   * every fetch is followed by an eviction sweep.
   */
  private static void triggerSweep(Deque<String> triggers, String seeder, OriginRegistry origin)
      throws Exception {
    String digest = triggers.pop();
    ClusterBed.get(
        URI.create(
            seeder
                + "/metainfo/"
                + digest
                + "?registry="
                + origin.hostPort()
                + "&repo="
                + AUX_REPO.replace("/", "%2F")));
  }

  private static void triggerSweepUnchecked(
      Deque<String> triggers, String seeder, OriginRegistry origin) {
    try {
      triggerSweep(triggers, seeder, origin);
    } catch (Exception e) {
      throw new IllegalStateException("trigger an eviction sweep on " + seeder, e);
    }
  }

  private DaemonProcess agent(String name, int port, String tracker, String upstream)
      throws Exception {
    return bed.daemon(
        name,
        "agent",
        "--listen",
        "127.0.0.1:" + port,
        "--peer-listen",
        "127.0.0.1:0",
        "--data",
        bed.work().resolve(name).toString(),
        "--tracker",
        tracker,
        "--upstream",
        upstream,
        "--admin-socket",
        "");
  }
}
