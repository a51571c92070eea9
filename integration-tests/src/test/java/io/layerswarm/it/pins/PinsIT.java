package io.layerswarm.it.pins;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.RuntimeDirs;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pinned images with real components: Debian's docker-registry as the origin, a tracker, a seeder
 * and an agent of the built distribution whose {@code agent.pins} names {@code pinned/base:1}. The
 * pin goes through the swarm like a client's pull; the readiness gate ({@code GET /ready}) follows
 * it; cache pressure leaves it alone; a moved tag is fetched anew.
 */
class PinsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The origin, a tracker and a seeder; agents with pins on top. */
  private static final class Bed implements AutoCloseable {
    final ClusterBed bed;
    final OriginRegistry origin;
    final String tracker;

    /** A short directory for the admin socket: the test-bed path may be too long for one. */
    final Path sockets;

    Bed(String name) throws IOException, InterruptedException {
      bed = new ClusterBed(TestbedDirs.create(name));
      sockets = RuntimeDirs.create("pins");
      bed.track(() -> RuntimeDirs.deleteUnlessMounted(sockets));
      try {
        origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
        int[] ports = FreePorts.pick(2);
        tracker = "http://127.0.0.1:" + ports[0];
        String seeder = "http://127.0.0.1:" + ports[1];
        bed.daemon("tracker", "tracker", "--listen", "127.0.0.1:" + ports[0], "--seeder", seeder);
        bed.daemon(
            "seeder",
            ClusterBed.seederArgs(
                ports[1], bed.work().resolve("seeder"), origin.baseUri().toString(), tracker));
      } catch (IOException | InterruptedException | RuntimeException e) {
        bed.close();
        throw e;
      }
    }

    Image push(String repository, long bytes, long seed) throws IOException, InterruptedException {
      Image image =
          bed.track(
              ImageBuilder.image()
                  .layers(3)
                  .totalBytes(bytes)
                  .seed(seed)
                  .workDir(Files.createDirectories(bed.work().resolve("image-" + seed)))
                  .build());
      new RegistryPusher(origin.baseUri()).push(image, repository, "1");
      return image;
    }

    /** An agent pinning {@code pinned/base:1}, with an admin socket and {@code more} settings. */
    Agent agent(String yamlMore) throws IOException, InterruptedException {
      Path config =
          Files.writeString(
              bed.work().resolve("agent.yaml"),
              "agent:\n  pins:\n    - pinned/base:1\n  pins-refresh: 2s\n" + yamlMore);
      int port = FreePorts.pick();
      Path data = bed.work().resolve("agent");
      Path socket = sockets.resolve("agent.sock");
      DaemonProcess process =
          bed.daemon(
              "agent",
              ClusterBed.agentArgs(
                  port,
                  data,
                  origin.baseUri().toString(),
                  List.of(tracker),
                  "--admin-socket",
                  socket.toString(),
                  "--config",
                  config.toString()));
      return new Agent(process, port, data, socket);
    }

    @Override
    public void close() {
      bed.close();
    }
  }

  private record Agent(DaemonProcess process, int port, Path data, Path socket) {
    HttpResponse<String> ready() throws IOException, InterruptedException {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    Set<String> storedDigests() throws IOException {
      Path blobs = data.resolve("blobs/sha256");
      Set<String> digests = new TreeSet<>();
      if (Files.isDirectory(blobs)) {
        try (Stream<Path> files = Files.list(blobs)) {
          files.forEach(f -> digests.add("sha256:" + f.getFileName()));
        }
      }
      return digests;
    }

    CommandResult cli(String... args) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(ClusterBed.dist().resolve("bin/layerswarm").toString());
      command.addAll(List.of(args));
      command.addAll(List.of("--socket", socket.toString()));
      return CommandResult.run(command, Map.of(), Duration.ofSeconds(60));
    }

    void awaitReady() {
      Await.until(
          "GET /ready answers 200",
          PATIENCE,
          () -> {
            try {
              return ready().statusCode() == 200;
            } catch (IOException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });
    }
  }

  @Test
  void readyAnswers503UntilThePinnedImageIsLocalThen200AndWaitReadySaysSo() throws Exception {
    try (Bed bed = new Bed("pins-ready")) {
      Agent agent = bed.agent("");

      // The tag does not exist yet: nothing can make the pin complete before the push below.
      HttpResponse<String> before = agent.ready();
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(before.body())
          .startsWith("{\"ready\":false")
          .contains("\"pin\":\"pinned/base:1 (linux/")
          .contains("not resolved");
      CommandResult notYet = agent.cli("wait-ready", "--timeout", "2s");
      assertThat(notYet.exitCode()).as(notYet.describe()).isEqualTo(1);
      assertThat(notYet.output()).contains("not ready after 2s: pinned/base:1");

      Image image = bed.push("pinned/base", 6L << 20, 41);
      CommandResult waited = agent.cli("wait-ready", "--timeout", "90s");

      assertThat(waited.exitCode()).as(waited.describe()).isZero();
      assertThat(waited.output()).contains("ready: 1 pinned image local");
      HttpResponse<String> after = agent.ready();
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).isEqualTo("{\"ready\":true}\n");
      assertThat(agent.storedDigests()).containsAll(ClusterBed.blobDigests(image));
      CommandResult pins = agent.cli("pins", "--json");
      assertThat(pins.output())
          .contains("\"digest\" : \"" + image.manifestDigest() + "\"")
          .contains("\"complete\" : true");
      // Through the swarm: the seeder fetched each blob from the origin, the agent none.
      long agentOriginBlobs =
          bed.origin.accessLog().byUserAgentPrefix("layerswarm-agent").blobDownloads().size();
      assertThat(agentOriginBlobs).as("blob GETs of the agent at the origin").isZero();
    }
  }

  @Test
  void cachePressureThatEvictsEverythingElseKeepsThePinnedBlobsAndEvictRefusesThemUnlessForced()
      throws Exception {
    try (Bed bed = new Bed("pins-pressure")) {
      Image pinned = bed.push("pinned/base", 6L << 20, 42);
      Image other = bed.push("other/app", 12L << 20, 43);
      // A budget the pinned image alone nearly fills, and a time to idle of 3 s: the other
      // image's layers go over budget while it is pulled, the rest once idle. The pinned blobs
      // are as idle and over budget, and stay.
      Agent agent =
          bed.agent(
              "  cache-max-bytes: 8MiB\n  cache-high-watermark: 90\n  cache-low-watermark: 80\n"
                  + "  cache-time-to-idle: 3s\n");
      agent.awaitReady();

      Skopeo.Result pulled =
          new Skopeo()
              .copyToDir(
                  "127.0.0.1:" + agent.port(),
                  "other/app",
                  "1",
                  bed.bed.work().resolve("pulled"),
                  Duration.ofMinutes(3));
      assertThat(pulled.ok()).as(pulled.output()).isTrue();
      Set<String> others = ClusterBed.blobDigests(other);
      Await.until(
          "the janitor evicts the other image's blobs",
          PATIENCE,
          () -> {
            try {
              return agent.storedDigests().stream().noneMatch(others::contains);
            } catch (IOException e) {
              return false;
            }
          });

      assertThat(agent.storedDigests()).containsAll(ClusterBed.blobDigests(pinned));
      assertThat(agent.ready().statusCode()).isEqualTo(200);

      Blob layer = pinned.layers().get(0).blob();
      CommandResult refused = agent.cli("evict", layer.digest());
      assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
      assertThat(refused.output()).contains("pinned image pinned/base:1").contains("--force");
      assertThat(agent.storedDigests()).contains(layer.digest());

      CommandResult forced = agent.cli("evict", "--force", layer.digest());
      assertThat(forced.exitCode()).as(forced.describe()).isZero();
      // The pin notices at once and fetches the blob again.
      agent.awaitReady();
      assertThat(agent.storedDigests()).contains(layer.digest());
    }
  }

  @Test
  void sighupAppliesTheEditedPinsAndABadEditKeepsTheOldOnes() throws Exception {
    try (Bed bed = new Bed("pins-reload")) {
      bed.push("pinned/base", 2L << 20, 46);
      Image added = bed.push("added/app", 2L << 20, 47);
      Agent agent = bed.agent("");
      agent.awaitReady();
      Path config = bed.bed.work().resolve("agent.yaml");

      Files.writeString(
          config, "agent:\n  pins:\n    - pinned/base:1\n    - added/app:1\n  pins-refresh: 2s\n");
      agent.process().hangUp();
      agent
          .process()
          .awaitOutput(
              java.util.regex.Pattern.compile("SIGHUP: config read again; agent.pins has 2 image"),
              Duration.ofSeconds(30));
      agent.awaitReady();

      assertThat(agent.storedDigests()).containsAll(ClusterBed.blobDigests(added));
      assertThat(agent.cli("pins", "--json").output()).contains("\"reference\" : \"added/app:1\"");

      Files.writeString(config, "agent:\n  pins:\n    - Not/A/Reference:1\n");
      agent.process().hangUp();
      agent
          .process()
          .awaitOutput(
              java.util.regex.Pattern.compile(
                  "SIGHUP: config not reloaded, the pins stay as they were: .*agent.pins\\[0\\]"),
              Duration.ofSeconds(30));

      assertThat(agent.process().isAlive()).isTrue();
      assertThat(agent.cli("pins", "--json").output()).contains("added/app:1");
    }
  }

  @Test
  void movingTheTagUpstreamMakesTheAgentFetchTheNewImage() throws Exception {
    try (Bed bed = new Bed("pins-moved-tag")) {
      Image first = bed.push("pinned/base", 4L << 20, 44);
      Agent agent = bed.agent("");
      agent.awaitReady();
      assertThat(agent.storedDigests()).containsAll(ClusterBed.blobDigests(first));

      Image second = bed.push("pinned/base", 4L << 20, 45);
      Set<String> wanted = ClusterBed.blobDigests(second);
      // agent.pins-refresh is 2 s: the agent resolves the tag again without being asked.
      Await.until(
          "the agent holds the blobs of the image the tag names now",
          PATIENCE,
          () -> {
            try {
              return agent.storedDigests().containsAll(wanted) && agent.ready().statusCode() == 200;
            } catch (IOException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });

      CommandResult pins = agent.cli("pins", "--json");
      assertThat(pins.output()).contains("\"digest\" : \"" + second.manifestDigest() + "\"");
      agent
          .process()
          .awaitOutput(
              java.util.regex.Pattern.compile(
                  "pin pinned/base:1 .* moved from "
                      + first.manifestDigest()
                      + " to "
                      + second.manifestDigest()),
              Duration.ofSeconds(10));
    }
  }
}
