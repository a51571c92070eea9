package io.layerswarm.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Digests;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.Layer;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.MultiPlatformImage;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.RuntimeDirs;
import io.layerswarm.testbed.TarReader;
import io.layerswarm.testbed.TestbedDirs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * What every client IT needs: Debian's docker-registry as the origin, our all-in-one (tracker,
 * seeder, agent in one process of the built distribution) in front of it, and runnable images
 * pushed to the origin (busybox base plus two random layers of a few MiB). The agent knows the
 * origin under several names, one per way clients name a registry:
 *
 * <ul>
 *   <li>{@code docker.io}, the default: dockerd's registry-mirror and names without a host ({@code
 *       /v2/library/x/...}), and containerd's {@code ?ns=docker.io};
 *   <li>{@code 127.0.0.1:<origin port>}: containerd's {@code ?ns=127.0.0.1:<port>};
 *   <li>{@value #PODMAN_HOST}: podman's path-prefix mirror {@code 127.0.0.1:<agent>/origin.test},
 *       which asks {@code /v2/origin.test/<repo>/...}.
 * </ul>
 */
final class ClientTestbed implements AutoCloseable {

  /** Pulls of a few MiB take about a second; these bounds only catch hangs. */
  static final Duration PULL_TIMEOUT = Duration.ofMinutes(3);

  static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  /** A name that resolves nowhere: a pull of it can only have succeeded through the mirror. */
  static final String PODMAN_HOST = "origin.test";

  /**
   * Shell run inside the containers: one {@code FILE <path> <size> <sha256 hex>} line per file in
   * /data, with busybox's wc, sha256sum and cut.
   */
  static final String LIST_DATA =
      "for f in /data/*; do echo \"FILE $f $(wc -c < $f) $(sha256sum < $f | cut -d' ' -f1)\"; done";

  private static final Pattern FILE_LINE = Pattern.compile("^FILE (/\\S+) (\\d+) ([0-9a-f]{64})$");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEEDER_UA = "layerswarm-seeder/";
  private static final List<String> OUR_USER_AGENTS =
      List.of(SEEDER_UA, "layerswarm-agent/", RegistryPusher.USER_AGENT);

  /** A file the image holds: size and sha256 (hex) of its content. */
  record DataFile(long size, String sha256) {}

  /** An image pushed to the origin, and the files under /data a container of it must see. */
  /**
   * An image pushed under {@code repository:tag}. For a multi-platform push, {@code image} is the
   * linux/amd64 variant, {@code manifestDigest} the index's, and {@code otherPlatformBlobs} the
   * config and layers of the other platforms, which no pull of this host may fetch.
   */
  record Pushed(
      String repository,
      String tag,
      Image image,
      Map<String, DataFile> dataFiles,
      String manifestDigest,
      Set<String> otherPlatformBlobs) {
    Pushed(String repository, String tag, Image image, Map<String, DataFile> dataFiles) {
      this(repository, tag, image, dataFiles, image.manifestDigest(), Set.of());
    }

    /** Config and layer digests. */
    Set<String> blobDigests() {
      Set<String> all = new LinkedHashSet<>();
      image.blobs().forEach(b -> all.add(b.digest()));
      return all;
    }
  }

  final Path work;
  final OriginRegistry origin;
  final DaemonProcess allInOne;
  final int agentPort;
  private final Path sockets;
  private final List<Pushed> pushed = new ArrayList<>();
  private final List<Image> pushedOthers = new ArrayList<>();

  private ClientTestbed(
      Path work, OriginRegistry origin, DaemonProcess allInOne, int agentPort, Path sockets) {
    this.work = work;
    this.origin = origin;
    this.allInOne = allInOne;
    this.agentPort = agentPort;
    this.sockets = sockets;
  }

  static Path dist() {
    return Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm"))
        .toAbsolutePath();
  }

  static String launcher() {
    return dist().resolve("bin/layerswarm").toString();
  }

  /**
   * A short directory for agents' admin sockets ({@code --admin-socket}): the default of the
   * all-in-one, {@code <data>/agent.sock}, is too long under the test-bed directory (Unix socket
   * paths allow 107 bytes), and the default of a lone agent, {@code /run/layerswarm/agent.sock}, is
   * shared by every agent on the host. Delete it with {@link RuntimeDirs#deleteUnlessMounted}.
   */
  static Path socketDir() throws IOException {
    return RuntimeDirs.create("ls-sock-");
  }

  /**
   * {@code bin/layerswarm all-in-one --config <config>} with its agent, tracker and seeder on
   * {@code ports} (in that order), its data in {@code data} and its admin socket at {@code socket},
   * logging to {@code <work>/<name>.log}; returns once it printed its ready line.
   */
  static DaemonProcess allInOne(
      String name, Path work, Path config, int[] ports, Path data, Path socket)
      throws IOException, InterruptedException {
    return DaemonProcess.builder(
            name,
            List.of(
                launcher(),
                "all-in-one",
                "--config",
                config.toString(),
                "--listen",
                "127.0.0.1:" + ports[0],
                "--tracker-listen",
                "127.0.0.1:" + ports[1],
                "--seeder-listen",
                "127.0.0.1:" + ports[2],
                "--data",
                data.toString(),
                "--admin-socket",
                socket.toString()))
        .workingDir(work)
        .logFile(work.resolve(name + ".log"))
        .readyWhenOutputMatches(Pattern.compile("layerswarm all-in-one ready: "))
        .readyTimeout(Duration.ofSeconds(60))
        .start();
  }

  /**
   * {@code bin/layerswarm agent --config <config>} alone on {@code port}, peers on an ephemeral
   * port, announcing to {@code tracker}, with a 5 s swarm deadline; logs to {@code
   * <work>/agent-<name>.log}. Returns once it printed its ready line.
   */
  static DaemonProcess loneAgent(
      String name, Path work, Path config, int port, String tracker, Path socket, Path data)
      throws IOException, InterruptedException {
    return DaemonProcess.builder(
            "agent-" + name,
            List.of(
                launcher(),
                "agent",
                "--config",
                config.toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--peer-listen",
                "127.0.0.1:0",
                "--tracker",
                tracker,
                "--admin-socket",
                socket.toString(),
                "--set",
                "agent.swarm-deadline=5s",
                "--data",
                data.toString()))
        .workingDir(work)
        .logFile(work.resolve("agent-" + name + ".log"))
        .readyWhenOutputMatches(Pattern.compile("layerswarm agent ready: "))
        .readyTimeout(Duration.ofSeconds(60))
        .start();
  }

  /** The files under an agent's {@code <data>/blobs}: what it stored. */
  static List<Path> storedBlobFiles(Path data) throws IOException {
    Path blobs = data.resolve("blobs");
    if (!Files.isDirectory(blobs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  /** Origin plus all-in-one under a new test-bed directory named {@code name}. */
  static ClientTestbed start(String name) throws IOException, InterruptedException {
    Path work = TestbedDirs.create(name);
    OriginRegistry origin = OriginRegistry.start(work.resolve("origin"));
    Path sockets = null;
    try {
      sockets = socketDir();
      int[] ports = FreePorts.pick(3);
      Path config = work.resolve("layerswarm.yaml");
      String url = origin.baseUri().toString();
      Files.writeString(
          config,
          "upstreams:\n"
              + "  - url: "
              + url
              + "\n"
              + "    host: docker.io\n"
              + "    default: true\n"
              + "  - url: "
              + url
              + "\n" // host: 127.0.0.1:<port>, from the URL
              + "  - url: "
              + url
              + "\n"
              + "    host: "
              + PODMAN_HOST
              + "\n");
      DaemonProcess allInOne =
          allInOne(
              "all-in-one",
              work,
              config,
              ports,
              work.resolve("data"),
              sockets.resolve("agent.sock"));
      return new ClientTestbed(work, origin, allInOne, ports[0], sockets);
    } catch (IOException | InterruptedException | RuntimeException e) {
      origin.close();
      RuntimeDirs.deleteUnlessMounted(sockets);
      throw e;
    }
  }

  URI agentUri() {
    return URI.create("http://127.0.0.1:" + agentPort);
  }

  String agentHostPort() {
    return "127.0.0.1:" + agentPort;
  }

  /**
   * Builds a runnable image (busybox base + 2 random layers, 3 MiB of random data) and pushes it.
   */
  Pushed push(String repository, String tag, ManifestFormat format)
      throws IOException, InterruptedException {
    Image image = runnableImage(format, work);
    Pushed p;
    try {
      p = new Pushed(repository, tag, image, dataFiles(image));
    } catch (IOException | RuntimeException e) {
      image.close();
      throw e;
    }
    pushed.add(p);
    new RegistryPusher(origin.baseUri()).push(image, repository, tag);
    return p;
  }

  /**
   * Pushes a multi-platform image (an OCI index or a Docker manifest list, by {@code format}):
   * linux/amd64 is a {@link #runnableImage}, linux/arm64 has its own random layers and no busybox,
   * so no blob is shared.
   */
  Pushed pushMultiPlatform(String repository, String tag, ManifestFormat format)
      throws IOException, InterruptedException {
    Image amd64 = runnableImage(format, work);
    Image arm64 =
        ImageBuilder.image()
            .architecture("arm64")
            .layers(2)
            .totalBytes(1L << 20)
            .format(format)
            .workDir(work.resolve("images"))
            .build();
    Map<String, Image> platforms = new LinkedHashMap<>();
    platforms.put("linux/amd64", amd64);
    platforms.put("linux/arm64", arm64);
    MultiPlatformImage index = MultiPlatformImage.of(platforms);
    Set<String> arm64Blobs = new LinkedHashSet<>();
    arm64.blobs().forEach(b -> arm64Blobs.add(b.digest()));
    arm64Blobs.add(arm64.manifestDigest());
    Pushed p =
        new Pushed(repository, tag, amd64, dataFiles(amd64), index.indexDigest(), arm64Blobs);
    pushed.add(p);
    pushedOthers.add(arm64);
    index.push(new RegistryPusher(origin.baseUri()), repository, tag);
    return p;
  }

  static Image runnableImage(ManifestFormat format, Path work) throws IOException {
    return ImageBuilder.image()
        .busyboxBase(true)
        .layers(2)
        .totalBytes(3L << 20)
        .randomSplit(true)
        .format(format)
        .workDir(work.resolve("images"))
        .build();
  }

  /**
   * The files the random layers hold, read back from the layer blobs (gzip + tar), keyed
   * "/data/...".
   */
  static Map<String, DataFile> dataFiles(Image image) throws IOException {
    Map<String, DataFile> files = new TreeMap<>();
    for (Layer layer : image.layers()) {
      try (InputStream in = new GZIPInputStream(layer.blob().openStream(), 64 * 1024)) {
        for (TarReader.Entry e : TarReader.readAll(in)) {
          if (e.isFile() && e.name().startsWith("data/")) {
            files.put(
                "/" + e.name(),
                new DataFile(e.size(), e.contentDigest().substring("sha256:".length())));
          }
        }
      }
    }
    return files;
  }

  /** The {@code FILE} lines of {@link #LIST_DATA}, keyed by path; other output is ignored. */
  static Map<String, DataFile> parseListing(String output) {
    Map<String, DataFile> files = new TreeMap<>();
    output
        .lines()
        .map(String::strip)
        .map(FILE_LINE::matcher)
        .filter(java.util.regex.Matcher::matches)
        .forEach(m -> files.put(m.group(1), new DataFile(Long.parseLong(m.group(2)), m.group(3))));
    return files;
  }

  /**
   * The origin's access log shows that every blob of {@code pulled} left the origin exactly once,
   * to the seeder; that no blob at all went to anyone else (the agent fetches from the origin only
   * as a fallback); and that no request of a client reached the origin directly (only our daemons
   * and the pusher appear).
   */
  void assertBlobsCameThroughTheSwarm(Pushed... pulled) throws IOException {
    AccessLog log = origin.accessLog();
    assertThat(log.blobDownloads())
        .as(
            "blob GETs answered by the origin (all must come from the seeder), log %s",
            origin.logFile())
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith(SEEDER_UA));
    Map<String, Long> gets = log.blobGetsByDigest();
    for (Pushed p : pulled) {
      for (String digest : p.blobDigests()) {
        assertThat(gets.get(digest))
            .as("origin GETs of %s (%s:%s)", digest, p.repository(), p.tag())
            .isEqualTo(1L);
      }
      for (String digest : p.otherPlatformBlobs()) {
        assertThat(log.entries())
            .as(
                "requests at the origin for %s of another platform (%s:%s)",
                digest, p.repository(), p.tag())
            .noneMatch(
                e ->
                    e.path().endsWith("/" + digest)
                        && !e.userAgent().startsWith(RegistryPusher.USER_AGENT));
      }
    }
    assertThat(log.entries())
        .as("requests at the origin (no client may reach it directly), log %s", origin.logFile())
        .allSatisfy(
            e ->
                assertThat(OUR_USER_AGENTS)
                    .as("user agent %s of %s %s", e.userAgent(), e.method(), e.path())
                    .anyMatch(ua -> e.userAgent().startsWith(ua)));
    System.out.printf(
        "[clients] origin sent %d blob(s), %d bytes so far, all to the seeder: %s%n",
        log.blobDownloads().size(), log.totalBlobBytesSent(), log.blobBytesByUserAgent());
  }

  /**
   * Checks an OCI image layout that skopeo wrote: every file under {@code blobs/sha256} hashes to
   * its name, and {@code index.json} names exactly one manifest, whose digest is returned. Returns
   * the blob digests.
   */
  static OciLayout readOciLayout(Path layout) throws IOException {
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertThat(index.path("manifests")).as("manifests in %s/index.json", layout).hasSize(1);
    String manifest = index.path("manifests").get(0).path("digest").asText();
    Set<String> blobs = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path f : files.sorted().toList()) {
        String expected = "sha256:" + f.getFileName();
        assertThat(Digests.sha256(f)).as("content of %s", f).isEqualTo(expected);
        blobs.add(expected);
      }
    }
    return new OciLayout(manifest, blobs);
  }

  /**
   * What {@link #readOciLayout} found: the manifest digest and all blob digests (manifest
   * included).
   */
  record OciLayout(String manifestDigest, Set<String> blobDigests) {}

  /** One line for the run summary: which client did what, in how many seconds. */
  static void timing(String client, String what, double seconds) {
    System.out.printf("[clients] %-9s %-60s %6.2f s%n", client, what, seconds);
  }

  @Override
  public void close() {
    allInOne.close();
    origin.close();
    RuntimeDirs.deleteUnlessMounted(sockets);
    for (Image other : pushedOthers) {
      try {
        other.close();
      } catch (IOException e) {
        System.err.println("could not delete image files: " + e);
      }
    }
    for (Pushed p : pushed) {
      if (p != null) {
        try {
          p.image().close();
        } catch (IOException e) {
          System.err.println("could not delete image files: " + e);
        }
      }
    }
  }
}
