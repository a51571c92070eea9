package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Digests;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the fault ITs share: Debian's docker-registry as the origin with generated images, and
 * daemons of the built distribution (a tracker and a seeder unless a test starts its own, agents a
 * test kills and starts again on the same data directory), with the checks every fault ends with: a
 * pull that brought every digest right, and no file in a store that is half-written or wrong.
 */
final class FaultCluster implements AutoCloseable {
  private static final Pattern LOG_TIME =
      Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z)");

  final ClusterBed bed;
  final OriginRegistry origin;
  private String tracker;

  private FaultCluster(ClusterBed bed, OriginRegistry origin) {
    this.bed = bed;
    this.origin = origin;
  }

  /** The origin alone; {@link #trackerAndSeeder} adds the cluster services. */
  static FaultCluster start(Path work) throws IOException, InterruptedException {
    ClusterBed bed = new ClusterBed(work);
    try {
      return new FaultCluster(bed, bed.track(OriginRegistry.start(work.resolve("origin"))));
    } catch (IOException | InterruptedException | RuntimeException e) {
      bed.close();
      throw e;
    }
  }

  Path work() {
    return bed.work();
  }

  /** A tracker and a seeder on loopback; agents started after use them. */
  FaultCluster trackerAndSeeder() throws IOException, InterruptedException {
    int[] ports = FreePorts.pick(2);
    tracker = "http://127.0.0.1:" + ports[0];
    String seeder = "http://127.0.0.1:" + ports[1];
    bed.daemon("tracker", "tracker", "--listen", "127.0.0.1:" + ports[0], "--seeder", seeder);
    bed.daemon(
        "seeder",
        ClusterBed.seederArgs(
            ports[1], work().resolve("seeder"), origin.baseUri().toString(), tracker));
    return this;
  }

  /** The tracker's base URL, once {@link #trackerAndSeeder} started it. */
  String tracker() {
    return tracker;
  }

  /** A generated image pushed to the origin as {@code <repository>:1}. */
  Image push(String repository, int layers, long totalBytes, long seed)
      throws IOException, InterruptedException {
    Image image =
        bed.track(
            ImageBuilder.image()
                .layers(layers)
                .totalBytes(totalBytes)
                .seed(seed)
                .workDir(Files.createDirectories(work().resolve("image-" + seed)))
                .build());
    new RegistryPusher(origin.baseUri()).push(image, repository, "1");
    return image;
  }

  /**
   * An agent on {@code 127.0.0.1:<port>} with its data in {@code data}, using the tracker (or, with
   * none, a tracker URL nobody answers, so blobs come from the origin) and {@code upstream}; more
   * arguments after.
   */
  DaemonProcess.Builder agent(String name, int port, Path data, String upstream, String... more) {
    String trackerUrl = tracker != null ? tracker : "http://127.0.0.1:" + FreePorts.pick();
    return bed.launcher(
        name, ClusterBed.agentArgs(port, data, upstream, List.of(trackerUrl), more));
  }

  /** {@code skopeo copy} of {@code <repository>:1} through the agent at {@code hostPort}. */
  static Skopeo.Result pull(String hostPort, String repository, Path dir)
      throws IOException, InterruptedException {
    return new Skopeo().copyToDir(hostPort, repository, "1", dir, Duration.ofMinutes(3));
  }

  /** {@link #pull} on another thread. */
  static CompletableFuture<Skopeo.Result> pullInBackground(
      String hostPort, String repository, Path dir) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return pull(hostPort, repository, dir);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * Waits (up to 60 s) until a seeder has begun fetching one of {@code image}'s blobs from the
   * origin: a pull of it is under way.
   */
  void awaitSeederFetching(Image image) throws IOException, InterruptedException {
    origin.awaitAccessLog(
        log ->
            log.byUserAgentPrefix("layerswarm-seeder/").blobDownloads().stream()
                .anyMatch(
                    e ->
                        image.blobs().stream()
                            .anyMatch(b -> e.blobDigest().orElse("").equals(b.digest()))),
        Duration.ofSeconds(60));
  }

  /** The pull succeeded and brought every blob of {@code image}, each with its sha256. */
  static void assertPulledRight(Skopeo.Result pulled, Path dir, Image image) throws IOException {
    assertThat(pulled.ok()).as("pull: %s", pulled.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(dir).blobDigests())) // readDir checks each sha256
        .isEqualTo(ClusterBed.blobDigests(image));
  }

  /** Files in a store's {@code blobs/sha256} whose content does not hash to their name. */
  static List<String> wrongBlobFiles(Path data) throws IOException {
    Path blobs = data.resolve("blobs/sha256");
    List<String> wrong = new ArrayList<>();
    if (!Files.isDirectory(blobs)) {
      return wrong;
    }
    try (Stream<Path> files = Files.list(blobs)) {
      for (Path file : files.toList()) {
        if (!Digests.sha256(file).equals("sha256:" + file.getFileName())) {
          wrong.add(file.getFileName().toString());
        }
      }
    }
    return wrong;
  }

  /** Regular files under {@code dir} (none when it does not exist). */
  static long filesUnder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** Bytes of the regular files under {@code dir}. */
  static long bytesUnder(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      long total = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }

  /** The time stamp of the first line of {@code log} that contains {@code text}. */
  static Optional<Instant> loggedAt(String log, String text) {
    for (String line : log.lines().toList()) {
      if (line.contains(text)) {
        Matcher m = LOG_TIME.matcher(line);
        if (m.find()) {
          return Optional.of(Instant.parse(m.group(1)));
        }
      }
    }
    return Optional.empty();
  }

  /** The first line of {@code log} matching {@code pattern}, as a matcher. */
  static Optional<Matcher> logged(String log, Pattern pattern) {
    Matcher m = pattern.matcher(log);
    return m.find() ? Optional.of(m) : Optional.empty();
  }

  @Override
  public void close() {
    bed.close();
  }
}
