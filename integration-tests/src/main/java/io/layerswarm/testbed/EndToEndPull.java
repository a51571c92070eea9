package io.layerswarm.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * The main job: a real pull through the swarm. It starts Debian's docker-registry as the origin,
 * pushes a generated image, starts a tracker, a seeder and N agents as separate processes from the
 * built distribution ({@code bin/layerswarm}), pulls the image through every agent at once with
 * skopeo, and measures what the origin sent, to whom, from its access log.
 *
 * <p>Used by the demo ({@link Demo}) and by {@code EndToEndPullIT}.
 */
public final class EndToEndPull implements AutoCloseable {
  public static final String REPOSITORY = "library/demo";
  public static final String TAG = "1";
  private static final Pattern READY = Pattern.compile("layerswarm \\S+ ready: ");

  /** What to run. */
  public record Options(
      Path dist, Path workDir, long imageBytes, int layers, int agents, PrintStream progress) {
    public Options {
      if (!Files.isExecutable(dist.resolve("bin/layerswarm"))) {
        throw new IllegalArgumentException(
            dist.resolve("bin/layerswarm")
                + " is missing: build the distribution first with `mvn -DskipTests package`");
      }
      if (layers < 1 || agents < 1 || imageBytes < layers) {
        throw new IllegalArgumentException(
            "need at least one layer, one agent and one byte per layer");
      }
    }
  }

  /** One agent's pull. */
  public record Pull(
      int agent,
      String agentAddress,
      Duration time,
      boolean ok,
      boolean digestsMatch,
      Set<String> blobDigests,
      String output) {}

  /**
   * The outcome. {@code originBlobBytesBy} maps a user agent to the blob bytes the origin sent it.
   * {@code configDigest} and {@code configBytes} name the image's config blob, which is tiny.
   */
  public record Summary(
      int layers,
      long imageBlobBytes,
      Set<String> imageBlobDigests,
      List<Pull> pulls,
      Duration pullTime,
      long originBlobBytes,
      Map<String, Long> originBlobBytesBy,
      Map<String, Long> originBlobGetsByDigest,
      long originBlobGetsByAgents,
      String configDigest,
      long configBytes) {
    public boolean everyDigestMatched() {
      return pulls.stream().allMatch(p -> p.ok() && p.digestsMatch());
    }

    /** Each blob exactly once from the origin, and only to the seeder. */
    public boolean originSentEachBlobOnceToTheSeeder() {
      return originBlobGetsByAgents == 0
          && originBlobBytes == imageBlobBytes
          && originBlobGetsByDigest.keySet().equals(imageBlobDigests)
          && originBlobGetsByDigest.values().stream().allMatch(n -> n == 1)
          && originBlobBytesBy.keySet().stream()
              .allMatch(ua -> ua.startsWith("layerswarm-seeder/"));
    }

    public void print(PrintStream out) {
      out.println();
      out.println("LayerSwarm end-to-end pull");
      out.printf(
          "  image            %s:%s, %d layers + config, %s in blobs%n",
          REPOSITORY, TAG, layers, mib(imageBlobBytes));
      for (Pull p : pulls) {
        out.printf(
            "  agent %d (%s)  %s in %.2f s, digests %s%n",
            p.agent(),
            p.agentAddress(),
            p.ok() ? "pulled" : "FAILED",
            p.time().toMillis() / 1000.0,
            p.digestsMatch() ? "match" : "DO NOT MATCH");
      }
      out.printf("  all pulls        %.2f s wall time%n", pullTime.toMillis() / 1000.0);
      out.printf("  every digest     %s%n", everyDigestMatched() ? "matched" : "DID NOT MATCH");
      out.printf(
          "  origin sent      %s of blobs (image blobs: %s) in %d blob GETs%n",
          mib(originBlobBytes),
          mib(imageBlobBytes),
          originBlobGetsByDigest.values().stream().mapToLong(Long::longValue).sum());
      originBlobBytesBy.forEach((ua, bytes) -> out.printf("    to %-24s %s%n", ua, mib(bytes)));
      out.printf("  blob GETs from agents to the origin: %d%n", originBlobGetsByAgents);
      out.printf(
          "  verdict          %s%n",
          everyDigestMatched() && originSentEachBlobOnceToTheSeeder()
              ? "OK: every digest matched; the origin sent each blob once, to the seeder only"
              : "FAILED");
    }

    private static String mib(long bytes) {
      return String.format("%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
    }
  }

  private final Options options;
  private final List<AutoCloseable> started = new ArrayList<>();
  private Path socketDir;

  /** The cluster secret every daemon of the run shares; set before the first daemon starts. */
  private Path secretFile;

  public EndToEndPull(Options options) {
    this.options = options;
  }

  public Summary run() throws Exception {
    PrintStream say = options.progress();
    Path work = options.workDir();
    Files.createDirectories(work);

    say.println("starting the origin registry (docker-registry)...");
    OriginRegistry origin = track(OriginRegistry.start(work.resolve("origin")));

    say.printf(
        "building and pushing %s:%s (%d random layers, %d MiB)...%n",
        REPOSITORY, TAG, options.layers(), options.imageBytes() >> 20);
    Image image =
        track(
            ImageBuilder.image()
                .layers(options.layers())
                .totalBytes(options.imageBytes())
                .workDir(Files.createDirectories(work.resolve("image")))
                .build());
    new RegistryPusher(origin.baseUri()).push(image, REPOSITORY, TAG);

    // The demo runs as a cluster should: members only, with one secret file for all daemons.
    secretFile = SecretFiles.clusterSecret(work.resolve("cluster.secret"));
    int[] ports = FreePorts.pick(2 + options.agents());
    String tracker = "http://127.0.0.1:" + ports[0];
    String seederControl = "http://127.0.0.1:" + ports[1];

    say.println("starting tracker and seeder...");
    daemon(
        "seeder",
        List.of(
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
            origin.baseUri().toString()));
    daemon(
        "tracker",
        List.of("tracker", "--listen", "127.0.0.1:" + ports[0], "--seeder", seederControl));
    List<String> agents = new ArrayList<>();
    for (int i = 1; i <= options.agents(); i++) {
      String listen = "127.0.0.1:" + ports[1 + i];
      say.printf("starting agent %d on %s...%n", i, listen);
      daemon(
          "agent" + i,
          List.of(
              "agent",
              "--listen",
              listen,
              "--peer-listen",
              "127.0.0.1:0",
              "--data",
              work.resolve("agent" + i).toString(),
              "--tracker",
              tracker,
              "--admin-socket",
              socketDir().resolve("agent" + i + ".sock").toString(),
              "--upstream",
              origin.baseUri().toString()));
      agents.add(listen);
    }

    say.printf("pulling through %d agents at once with skopeo...%n", agents.size());
    Set<String> expected = new TreeSet<>();
    image.blobs().forEach(b -> expected.add(b.digest()));
    long imageBlobBytes = image.blobs().stream().mapToLong(Blob::size).sum();
    long t0 = System.nanoTime();
    List<Pull> pulls = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(agents.size());
    try {
      List<Future<Pull>> futures = new ArrayList<>();
      for (int i = 0; i < agents.size(); i++) {
        int n = i + 1;
        String agent = agents.get(i);
        futures.add(pool.submit(() -> pull(n, agent, work.resolve("pull" + n), expected)));
      }
      for (Future<Pull> f : futures) {
        pulls.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    Duration pullTime = Duration.ofNanos(System.nanoTime() - t0);

    // The registry writes a log line after the response ends: wait until every blob GET is in.
    AccessLog all =
        origin.awaitAccessLog(
            log -> originBlobs(log).blobGetsByDigest().keySet().containsAll(expected),
            Duration.ofSeconds(10));
    AccessLog served = originBlobs(all);
    Map<String, Long> byUa = new LinkedHashMap<>(served.blobBytesByUserAgent());
    long agentGets = served.byUserAgentPrefix("layerswarm-agent/").blobDownloads().size();
    return new Summary(
        options.layers(),
        imageBlobBytes,
        expected,
        pulls,
        pullTime,
        served.totalBlobBytesSent(),
        byUa,
        served.blobGetsByDigest(),
        agentGets,
        image.config().digest(),
        image.config().size());
  }

  /** Blob downloads the origin served after the push (the pusher's own requests excluded). */
  private static AccessLog originBlobs(AccessLog log) {
    return log.filter(e -> e.isBlobDownload() && !e.userAgent().equals(RegistryPusher.USER_AGENT));
  }

  private Pull pull(int n, String agent, Path dir, Set<String> expected) throws Exception {
    long t0 = System.nanoTime();
    Skopeo.Result result =
        new Skopeo().copyToDir(agent, REPOSITORY, TAG, dir, Duration.ofMinutes(10));
    Duration time = Duration.ofNanos(System.nanoTime() - t0);
    if (!result.ok()) {
      return new Pull(n, agent, time, false, false, Set.of(), result.output());
    }
    Skopeo.DirImage pulled = Skopeo.readDir(dir); // checks every file's sha256 against its name
    Set<String> got = new TreeSet<>(pulled.blobDigests());
    return new Pull(n, agent, time, true, got.equals(expected), got, result.output());
  }

  private void daemon(String name, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(options.dist().resolve("bin/layerswarm").toString());
    command.addAll(args);
    command.add("--set");
    command.add("cluster.secret-file=" + secretFile);
    track(
        DaemonProcess.builder(name, command)
            .logFile(options.workDir().resolve(name + ".log"))
            .env("JAVA_OPTS", "-Xmx384m")
            .readyWhenOutputMatches(READY)
            .readyTimeout(Duration.ofSeconds(60))
            .start());
  }

  /**
   * Unix socket paths are limited to 107 bytes, so sockets go to a short temp dir, not the work
   * dir.
   */
  public Path socketDir() throws IOException {
    if (socketDir == null) {
      socketDir = Files.createTempDirectory(Path.of("/tmp"), "ls-sock");
      Path dir = socketDir;
      track(() -> FileTrees.deleteRecursively(dir));
    }
    return socketDir;
  }

  private <T extends AutoCloseable> T track(T resource) {
    started.add(resource);
    return resource;
  }

  /** Stops everything this run started, newest first. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        options.progress().println("stopping " + started.get(i) + " failed: " + e);
      }
    }
    started.clear();
  }
}
