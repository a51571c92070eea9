package io.layerswarm.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.SecretFiles;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "POST /notifications has no authentication": a forged registry notification, without
 * the seeder's notifications token or with a wrong one, is refused (401) and the seeder fetches
 * nothing from the origin. The same envelope with the token is taken and preheats the image, which
 * shows the test would see a fetch.
 */
class ForgedNotificationIT {
  private static final String REPO = "library/app";
  private static final String FORGER = "127.0.0.77";
  private ClusterBed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aForgedNotificationIsRefusedAndTheSeederFetchesNothing() throws Exception {
    bed = new ClusterBed(TestbedDirs.create("security-notification"));
    OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
    Image image = bed.image("image", 2, 2L << 20);
    new RegistryPusher(origin.baseUri()).push(image, REPO, "1");
    Path token = SecretFiles.random(bed.work().resolve("notifications.token"), 24);
    SecureCluster cluster =
        SecureCluster.start(
            bed,
            "upstreams:\n  - url: " + origin.baseUri() + "\n",
            true,
            "  notifications-token-file: " + token + "\n");
    URI notifications = URI.create(cluster.seederUrl + "/notifications");
    byte[] envelope = envelope(image, origin.hostPort());

    SecureCluster.Response none =
        SecureCluster.raw(FORGER, notifications, "POST", json(List.of()), envelope);
    SecureCluster.Response wrong =
        SecureCluster.raw(
            FORGER,
            notifications,
            "POST",
            json(List.of("Authorization: Bearer forged-0123456789abcdefghij")),
            envelope);

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.text()).contains("seeder.notifications-token-file");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.text()).doesNotContain("forged-0123456789");
    String metrics = ClusterBed.get(URI.create(cluster.seederUrl + "/metrics"));
    assertThat(ClusterBed.metric(metrics, "seeder_notification_events_total", "")).isZero();
    assertThat(ClusterBed.heldBlobs(bed.work().resolve("seeder"))).isEmpty();
    assertThat(seederRequests(origin)).as("origin requests by the seeder").isEmpty();

    // The registry's own notification, with the token, is taken and preheats: had the forged ones
    // been taken, the same fetch would have shown.
    SecureCluster.Response real =
        SecureCluster.raw(
            "127.0.0.1",
            notifications,
            "POST",
            json(List.of("Authorization: Bearer " + SecretFiles.content(token))),
            envelope);
    assertThat(real.status()).as(real.text()).isEqualTo(200);
    Set<String> blobs = ClusterBed.blobDigests(image);
    Await.until(
        "the seeder to preheat the notified image",
        Duration.ofSeconds(90),
        () -> {
          try {
            return ClusterBed.heldBlobs(bed.work().resolve("seeder")).containsAll(blobs);
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** The seeder's requests in the origin's access log, once a marker request shows in it. */
  private static List<AccessLog.Entry> seederRequests(OriginRegistry origin) throws Exception {
    String marker = "marker=" + System.nanoTime();
    ClusterBed.get(URI.create("http://" + origin.hostPort() + "/v2/?" + marker));
    return origin
        .awaitAccessLog(
            log -> log.entries().stream().anyMatch(e -> e.query().equals(marker)),
            Duration.ofSeconds(10))
        .byUserAgentPrefix("layerswarm-seeder/")
        .entries();
  }

  private static List<String> json(List<String> more) {
    List<String> headers = new java.util.ArrayList<>(more);
    headers.add("Content-Type: application/vnd.docker.distribution.events.v1+json");
    return headers;
  }

  /** A push of the image's manifest, as distribution sends it. */
  private static byte[] envelope(Image image, String registryHost) {
    return ("{\"events\":[{\"id\":\"forged-1\",\"action\":\"push\",\"target\":{"
            + "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
            + "\"digest\":\""
            + image.manifestDigest()
            + "\",\"repository\":\""
            + REPO
            + "\",\"tag\":\"1\"},\"request\":{\"host\":\""
            + registryHost
            + "\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
