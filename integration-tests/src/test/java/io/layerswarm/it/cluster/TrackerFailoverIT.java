package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two tracker replicas share peers through a real redis-server. One is killed with SIGKILL in the
 * middle of a pull; agents, which take a list of tracker URLs, go on through the other.
 */
class TrackerFailoverIT {
  private ClusterBed bed;

  @AfterEach
  void stopAll() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void whenOneTrackerIsKilledMidPullTheAgentsGoOnThroughTheOtherReplica() throws Exception {
    bed = new ClusterBed(TestbedDirs.create("tracker-failover"));
    Path work = bed.work();
    OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
    Image image = bed.image("image", 4, 48L << 20);
    new RegistryPusher(origin.baseUri()).push(image, "library/failover", "1");

    int[] ports = FreePorts.pick(6);
    int redisPort = ports[0];
    bed.redis(redisPort);
    String redis = "redis://127.0.0.1:" + redisPort + "/0";
    String trackerA = "http://127.0.0.1:" + ports[1];
    String trackerB = "http://127.0.0.1:" + ports[2];
    String seeder = "http://127.0.0.1:" + ports[3];

    bed.daemon(
        "seeder",
        "seeder",
        "--listen",
        "127.0.0.1:" + ports[3],
        "--peer-listen",
        "127.0.0.1:0",
        "--data",
        work.resolve("seeder").toString(),
        "--tracker",
        trackerA,
        "--tracker",
        trackerB,
        "--upstream",
        origin.baseUri().toString());
    DaemonProcess a =
        bed.daemon(
            "trackerA",
            "tracker",
            "--listen",
            "127.0.0.1:" + ports[1],
            "--seeder",
            seeder,
            "--redis",
            redis,
            "--set",
            "tracker.announce-interval=5s",
            "--set",
            "tracker.min-announce-interval=1s",
            "--set",
            "tracker.peer-ttl=30s");
    bed.daemon(
        "trackerB",
        "tracker",
        "--listen",
        "127.0.0.1:" + ports[2],
        "--seeder",
        seeder,
        "--redis",
        redis,
        "--set",
        "tracker.announce-interval=5s",
        "--set",
        "tracker.min-announce-interval=1s",
        "--set",
        "tracker.peer-ttl=30s");
    List<String> agents = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String listen = "127.0.0.1:" + ports[3 + i];
      bed.daemon(
          "agent" + i,
          "agent",
          "--listen",
          listen,
          "--peer-listen",
          "127.0.0.1:0",
          "--data",
          work.resolve("agent" + i).toString(),
          "--tracker",
          trackerA,
          "--tracker",
          trackerB,
          "--upstream",
          origin.baseUri().toString(),
          "--admin-socket",
          "");
      agents.add(listen);
    }

    // Both replicas must see the same swarm before the kill: that is what Redis is for.
    Set<String> expected = ClusterBed.blobDigests(image);
    CompletableFuture<Skopeo.Result> first =
        CompletableFuture.supplyAsync(() -> copy(agents.get(0), work.resolve("pull1")));
    // Kill A once the seeder has fetched at least one blob, i.e. the pull is under way.
    origin.awaitAccessLog(
        log -> !log.byUserAgentPrefix("layerswarm-seeder/").blobDownloads().isEmpty(),
        Duration.ofSeconds(120));
    a.kill();
    Skopeo.Result r1 = first.get();
    assertThat(r1.ok()).as("pull through agent 1 after tracker A died: %s", r1.output()).isTrue();
    assertThat(scrapeHealth(trackerB)).isEqualTo(200);

    Skopeo.Result r2 = copy(agents.get(1), work.resolve("pull2"));
    assertThat(r2.ok()).as("pull through agent 2 with only tracker B: %s", r2.output()).isTrue();

    for (String pull : List.of("pull1", "pull2")) {
      Skopeo.DirImage got = Skopeo.readDir(work.resolve(pull)); // checks every sha256
      assertThat(new TreeSet<>(got.blobDigests())).as(pull).isEqualTo(expected);
    }
    AccessLog served =
        origin
            .awaitAccessLog(
                log ->
                    log.byUserAgentPrefix("layerswarm-seeder/")
                        .blobGetsByDigest()
                        .keySet()
                        .containsAll(expected),
                Duration.ofSeconds(10))
            .filter(e -> e.isBlobDownload() && !e.userAgent().equals(RegistryPusher.USER_AGENT));
    assertThat(served.byUserAgentPrefix("layerswarm-agent/").blobDownloads())
        .as("agents fell back to the origin instead of using the swarm")
        .isEmpty();
    assertThat(served.totalBlobBytesSent())
        .isEqualTo(image.blobs().stream().mapToLong(Blob::size).sum());
  }

  private static Skopeo.Result copy(String agent, Path dir) {
    try {
      return new Skopeo().copyToDir(agent, "library/failover", "1", dir, Duration.ofMinutes(5));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int scrapeHealth(String tracker) throws Exception {
    HttpResponse<Void> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(tracker + "/healthz"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    return r.statusCode();
  }
}
