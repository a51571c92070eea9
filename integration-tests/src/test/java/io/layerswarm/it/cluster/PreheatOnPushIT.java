package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The origin registry notifies the seeder of every push ({@code notifications} in its config, the
 * seeder's {@code POST /notifications}); the seeder preheats the pushed image, so that when an
 * agent pulls it later the origin sends no blob bytes at all, only the manifests the agent resolves
 * upstream.
 */
class PreheatOnPushIT {
  private static final String REPO = "library/preheated";
  private ClusterBed bed;

  @AfterEach
  void stopAll() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aPushedImageIsPreheatedSoTheFirstPullTakesNoBlobBytesFromTheOrigin() throws Exception {
    long t0 = System.nanoTime();
    bed = new ClusterBed(TestbedDirs.create("preheat-on-push"));
    Path work = bed.work();
    int[] ports = FreePorts.pick(4);
    String seeder = "http://127.0.0.1:" + ports[1];
    String tracker = "http://127.0.0.1:" + ports[2];
    String agent = "127.0.0.1:" + ports[3];
    OriginRegistry origin =
        bed.track(
            OriginRegistry.builder(work.resolve("origin"))
                .port(ports[0])
                .notifications(URI.create(seeder + "/notifications"))
                .start());
    assertThat(Files.readString(origin.configFile()))
        .contains("notifications:")
        .contains(seeder + "/notifications");
    String upstream = origin.baseUri().toString();

    bed.daemon(
        "seeder",
        "seeder",
        "--listen",
        "127.0.0.1:" + ports[1],
        "--peer-listen",
        "127.0.0.1:0",
        "--data",
        work.resolve("seeder").toString(),
        "--tracker",
        tracker,
        "--upstream",
        upstream);

    Image image = bed.image("image", 3, 24L << 20);
    new RegistryPusher(origin.baseUri()).push(image, REPO, "1");
    Set<String> expected = ClusterBed.blobDigests(image);
    long pushedAt = System.nanoTime();

    // The webhook reaches the seeder, which fetches every blob of the image from the origin.
    URI metrics = URI.create(seeder + "/metrics");
    Await.until(
        "the seeder to hold every blob of the pushed image",
        Duration.ofSeconds(120),
        () -> {
          try {
            // A preheat counts as done when its job ends, a moment after the blob is held.
            String now = ClusterBed.get(metrics);
            return ClusterBed.heldBlobs(work.resolve("seeder")).containsAll(expected)
                && ClusterBed.metric(now, "seeder_blobs", "") >= expected.size()
                && ClusterBed.metric(now, "seeder_preheat_blobs_total", "result=\"done\"")
                    >= expected.size();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    System.out.printf(
        "preheated %d blobs %.1f s after the push%n",
        expected.size(), (System.nanoTime() - pushedAt) / 1e9);
    String text = ClusterBed.get(metrics);
    assertThat(ClusterBed.metric(text, "seeder_notification_events_total", "result=\"queued\""))
        .as("manifest pushes queued from the webhook")
        .isGreaterThanOrEqualTo(1);
    assertThat(ClusterBed.metric(text, "seeder_preheat_blobs_total", "result=\"done\""))
        .isGreaterThanOrEqualTo(expected.size());
    AccessLog preheat =
        origin.awaitAccessLog(
            log ->
                log.byUserAgentPrefix("layerswarm-seeder/")
                    .blobGetsByDigest()
                    .keySet()
                    .containsAll(expected),
            Duration.ofSeconds(10));
    assertThat(preheat.byUserAgentPrefix("layerswarm-agent/").entries()).isEmpty();

    // Only now do tracker and agent start, and the first pull happens.
    int mark = origin.accessLog().entries().size();
    bed.daemon(
        "tracker",
        "tracker",
        "--listen",
        tracker.substring("http://".length()),
        "--seeder",
        seeder);
    bed.daemon(
        "agent",
        "agent",
        "--listen",
        agent,
        "--peer-listen",
        "127.0.0.1:0",
        "--data",
        work.resolve("agent").toString(),
        "--tracker",
        tracker,
        "--upstream",
        upstream,
        "--admin-socket",
        "");
    long pullStart = System.nanoTime();
    Skopeo.Result r = ClusterBed.pull(agent, REPO, "1", work.resolve("pull"));
    System.out.printf("pull took %.1f s%n", (System.nanoTime() - pullStart) / 1e9);
    assertThat(r.ok()).as("pull through the agent: %s", r.output()).isTrue();
    Skopeo.DirImage got = Skopeo.readDir(work.resolve("pull")); // checks every sha256
    assertThat(new TreeSet<>(got.blobDigests())).isEqualTo(expected);

    // The registry logs a request once it is answered. A request of ours, sent after the pull,
    // shows in the log after every request the pull made: wait for it, not for a while.
    String marker = "after-the-pull=" + System.nanoTime();
    ClusterBed.get(URI.create("http://" + origin.hostPort() + "/v2/?" + marker));
    List<AccessLog.Entry> logged =
        origin
            .awaitAccessLog(
                log -> log.entries().stream().anyMatch(e -> e.query().equals(marker)),
                Duration.ofSeconds(30))
            .entries();
    List<AccessLog.Entry> duringPull =
        logged.subList(mark, logged.size()).stream()
            .filter(e -> !e.query().equals(marker))
            .toList();
    System.out.println("origin requests during the pull:");
    duringPull.forEach(
        e ->
            System.out.println(
                "  "
                    + e.method()
                    + " "
                    + e.path()
                    + " "
                    + e.status()
                    + " "
                    + e.bytes()
                    + " "
                    + e.userAgent()));
    assertThat(duringPull)
        .as("blob downloads from the origin during the pull")
        .noneMatch(AccessLog.Entry::isBlobDownload);
    assertThat(
            duringPull.stream()
                .filter(e -> e.method().equals("GET") && e.path().contains("/blobs/")))
        .as("blob GETs of any status during the pull")
        .isEmpty();
    assertThat(duringPull)
        .as("the agent resolves the manifest upstream")
        .anyMatch(e -> e.isManifestGet() && e.userAgent().startsWith("layerswarm-agent/"));
    assertThat(
            ClusterBed.metric(
                ClusterBed.get(metrics), "seeder_cache_lookups_total", "result=\"hit\""))
        .as("metainfo requests answered from blobs the preheat left")
        .isGreaterThanOrEqualTo(expected.size());
    System.out.printf("IT took %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }
}
