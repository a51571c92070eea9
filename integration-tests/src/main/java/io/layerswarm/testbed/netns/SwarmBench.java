package io.layerswarm.testbed.netns;

import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The swarm benchmark ({@code bench/swarm-bench}): N hosts as network namespaces on one bridge,
 * every link capped at D both ways with tc tbf, an origin docker-registry with a generated image of
 * S bytes in L layers, and three ways to fill the N hosts, each measured with all hosts starting at
 * one instant:
 *
 * <ul>
 *   <li><b>direct</b>: every host pulls from the origin with skopeo;
 *   <li><b>cache</b>: one docker-registry pull-through cache per k hosts, pre-warmed before the
 *       timer;
 *   <li><b>layerswarm</b>: tracker and a cold seeder on their own hosts, an agent on every host,
 *       skopeo pulls through the host's agent on 127.0.0.1:5050.
 * </ul>
 *
 * For each it records every host's completion time, the origin's blob bytes (access log) and link
 * bytes (tc counters), and the CPU time of the method's processes ({@link SwarmBenchPhase}). {@link
 * SwarmBenchReport} writes Markdown, JSON and a PNG plot.
 */
public final class SwarmBench {

  public static final String REPOSITORY = "library/bench";
  public static final String TAG = "1";
  static final Pattern READY = Pattern.compile("layerswarm \\S+ ready: ");
  static final int AGENT_PORT = 5050;
  static final int PEER_PORT = 6881;
  static final int TRACKER_PORT = 6969;
  static final int SEEDER_PORT = 6970;
  static final int ORIGIN_OCTET = 1;
  static final int TRACKER_OCTET = 2;
  static final int SEEDER_OCTET = 3;
  static final int CACHE_OCTET_BASE = 10;
  static final int HOST_OCTET_BASE = 100;
  public static final int MAX_HOSTS = 64;

  /** The three ways to fill the hosts. */
  public enum Method {
    DIRECT("direct"),
    CACHE("cache"),
    LAYERSWARM("layerswarm"),
    LAYERSWARM_WARM("layerswarm-warm"),
    /**
     * As layerswarm-warm, with every daemon's zone set ({@code agent.zone}, {@code seeder.zone}).
     */
    LAYERSWARM_ZONES("layerswarm-zones"),
    ARIA2C("aria2c");

    public final String label;

    Method(String label) {
      this.label = label;
    }

    public static Method parse(String s) {
      for (Method m : values()) {
        if (m.label.equals(s.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown method "
              + s
              + " (direct, cache, layerswarm, layerswarm-warm, layerswarm-zones, aria2c)");
    }
  }

  /** What to run. {@code resultsDir} null: no files written. */
  public record Options(
      boolean smoke,
      List<Integer> hostCounts,
      long sizeBytes,
      int layers,
      long rateMbit,
      int cacheFanout,
      List<Method> methods,
      Path dist,
      Path workDir,
      Path resultsDir,
      String label,
      String command,
      String javaOpts,
      String nsPrefix,
      Duration budget,
      boolean keep,
      long seed,
      BarrierPull.Layout layout,
      int nice,
      long crossZoneMbit,
      PrintStream out) {

    public Options {
      hostCounts = List.copyOf(hostCounts);
      methods = List.copyOf(methods);
      if (hostCounts.isEmpty() || hostCounts.stream().anyMatch(n -> n < 1 || n > MAX_HOSTS)) {
        throw new IllegalArgumentException(
            "host counts must be 1.." + MAX_HOSTS + ": " + hostCounts);
      }
      if (layers < 1 || sizeBytes < layers) {
        throw new IllegalArgumentException("need at least one layer and one byte per layer");
      }
      if (rateMbit < 1 || cacheFanout < 1 || methods.isEmpty()) {
        throw new IllegalArgumentException(
            "rate, cache fan-out and methods must be positive/non-empty");
      }
      if (crossZoneMbit < 0 || (methods.contains(Method.LAYERSWARM_ZONES) && crossZoneMbit == 0)) {
        throw new IllegalArgumentException(
            "layerswarm-zones needs two zones: --zones 2 --cross-zone-mbit X (X > 0)");
      }
      if (usesSwarm(methods) && !Files.isExecutable(dist.resolve("bin/layerswarm"))) {
        throw new IllegalArgumentException(
            dist.resolve("bin/layerswarm")
                + " is missing: build the distribution first (mvn -Dmaven.test.skip=true package)");
      }
    }

    static boolean usesSwarm(List<Method> methods) {
      return methods.contains(Method.LAYERSWARM)
          || methods.contains(Method.LAYERSWARM_WARM)
          || methods.contains(Method.LAYERSWARM_ZONES);
    }

    /** LayerSwarm and aria2c both put a tracker and a seeder on hosts of their own. */
    static boolean usesTrackerAndSeeder(List<Method> methods) {
      return usesSwarm(methods) || methods.contains(Method.ARIA2C);
    }

    public int maxHosts() {
      return hostCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    public int cachesFor(int n) {
      return (n + cacheFanout - 1) / cacheFanout;
    }

    public long rateBitsPerSecond() {
      return rateMbit * 1_000_000L;
    }

    /** Whether the hosts are split into two zones joined by a link of {@code crossZoneMbit}. */
    public boolean zoned() {
      return crossZoneMbit > 0;
    }

    /**
     * The zone of a host in a zoned run: origin, tracker, seeder and caches in zone A, the pulling
     * hosts alternately (h1 A, h2 B, h3 A, ...), so every N splits evenly.
     */
    public static String zoneOf(String host) {
      if (host.startsWith("h") && host.substring(1).chars().allMatch(Character::isDigit)) {
        return Integer.parseInt(host.substring(1)) % 2 == 1 ? "zone-a" : "zone-b";
      }
      return "zone-a";
    }
  }

  /**
   * One host's pull in one phase, plus its link counters for the phase and the CPU of the host's
   * own daemon (LayerSwarm agent or aria2c; NaN for direct and cache) in the timed window.
   */
  public record HostResult(
      String host,
      String ip,
      String source,
      double seconds,
      boolean ok,
      String error,
      double skopeoCpuSeconds,
      double agentCpuSeconds,
      long rxBytes,
      long txBytes) {}

  /**
   * One method at one N. {@code details} holds method-specific numbers (pre-warm, seeder upload,
   * ...).
   */
  public record PhaseResult(
      String method,
      int hosts,
      List<HostResult> pulls,
      boolean allOk,
      double p50Seconds,
      double maxSeconds,
      long originBlobBytes,
      long originBlobGets,
      Map<String, Long> originBlobBytesByAgent,
      long originTxBytes,
      double cpuPullSeconds,
      double cpuSetupSeconds,
      Map<String, Double> cpuByRole,
      Map<String, Double> cpuByHost,
      double machineBusySeconds,
      double load1,
      String error,
      Map<String, Object> details) {}

  /** Everything a run measured. */
  public record Result(
      Options options,
      Instant started,
      Instant finished,
      String imageManifestDigest,
      List<String> blobDigests,
      List<Long> blobSizes,
      List<String> blobKinds,
      long imageBlobBytes,
      Map<String, Object> environment,
      List<PhaseResult> phases,
      List<String> skipped) {

    public boolean everyPullOk() {
      return phases.stream().allMatch(PhaseResult::allOk);
    }

    /** Seconds to send S at D: the lower bound for any host. */
    public double lowerBoundSeconds() {
      return imageBlobBytes * 8.0 / options.rateBitsPerSecond();
    }
  }

  private final Options options;
  private final PrintStream say;
  private final List<AutoCloseable> longLived = new ArrayList<>();
  private NetnsTopology topology;
  private NetnsRegistry origin;
  private Image image;
  private Set<String> expected;
  private long imageBlobBytes;
  private Path dataDir;
  private Aria2Swarm aria2;
  private final LayerSwarmNodes layerswarm = new LayerSwarmNodes();

  public SwarmBench(Options options) {
    this.options = options;
    this.say = options.out();
  }

  public Result run() throws Exception {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Files.createDirectories(options.workDir());
    Map<String, Object> env = Environment.capture(options);
    List<String> stale = NetnsTopology.removeStale();
    if (!stale.isEmpty()) {
      say.println("removed namespaces left by a dead run: " + stale);
    }
    List<PhaseResult> phases = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    // Ctrl-C or SIGTERM: stop what we started and delete the namespaces before the JVM goes.
    Thread hook = new Thread(this::closeAll, "swarm-bench-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      prepareImage();
      createTopology();
      if (options.methods().contains(Method.ARIA2C)) {
        aria2 =
            Aria2Swarm.prepare(
                image, options.workDir().resolve("aria2c"), topology.host("tracker"));
      }
      env.put("qdisc_example", topology.describeQdiscs(topology.host("origin")));
      say.printf(
          "origin %s, image %s: %d blobs, %d bytes; S/D = %.2f s%n",
          origin.hostPort(),
          image.manifestDigest(),
          expected.size(),
          imageBlobBytes,
          imageBlobBytes * 8.0 / options.rateBitsPerSecond());
      for (int n : options.hostCounts()) {
        for (Method m : options.methods()) {
          double elapsed = (System.nanoTime() - t0) / 1e9;
          if (elapsed > options.budget().toSeconds()) {
            skipped.add(m.label + "@" + n);
            say.printf(
                "skipping %s with N=%d: time budget of %d s used up%n",
                m.label, n, options.budget().toSeconds());
            continue;
          }
          say.printf(
              "%n== %s, N=%d (%.0f s into the run, load %.1f)%n",
              m.label, n, elapsed, ProcCpu.loadAverage());
          PhaseResult r =
              new SwarmBenchPhase(bed(), image.manifestDigest(), aria2, layerswarm).run(m, n);
          phases.add(r);
          say.printf(
              "   %s N=%d: p50 %.2f s, max %.2f s, ok %s, origin blob bytes %d, CPU %.1f s%s%n",
              m.label,
              n,
              r.p50Seconds(),
              r.maxSeconds(),
              r.allOk(),
              r.originBlobBytes(),
              r.cpuPullSeconds(),
              r.error() == null ? "" : ", error: " + r.error());
          Thread.sleep(1000); // let sockets and page cache settle between phases
        }
      }
    } finally {
      closeAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    List<String> digests = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (Blob b : image.blobs()) {
      digests.add(b.digest());
      sizes.add(b.size());
      kinds.add(b.mediaType().contains("config") ? "config" : "layer");
    }
    Result result =
        new Result(
            options,
            started,
            Instant.now(),
            image.manifestDigest(),
            digests,
            sizes,
            kinds,
            imageBlobBytes,
            env,
            phases,
            skipped);
    try {
      image.close();
    } catch (IOException e) {
      say.println("could not delete the image's temp files: " + e.getMessage());
    }
    return result;
  }

  private void prepareImage() throws IOException, InterruptedException {
    say.printf(
        "building a %d-byte image in %d layers and pushing it to a temporary registry on 127.0.0.1...%n",
        options.sizeBytes(), options.layers());
    image =
        ImageBuilder.image()
            .layers(options.layers())
            .totalBytes(options.sizeBytes())
            .seed(options.seed())
            .workDir(Files.createDirectories(options.workDir().resolve("image")))
            .build();
    expected = new TreeSet<>();
    image.blobs().forEach(b -> expected.add(b.digest()));
    imageBlobBytes = image.blobs().stream().mapToLong(Blob::size).sum();
    Path originDir = options.workDir().resolve("origin");
    // Pushed on loopback in the root namespace; the namespaced origin then serves the same store.
    try (OriginRegistry push = OriginRegistry.builder(originDir.resolve("push")).start()) {
      new RegistryPusher(push.baseUri()).push(image, REPOSITORY, TAG);
      dataDir = push.dataDir();
    }
  }

  private void createTopology() throws IOException, InterruptedException {
    Map<String, Integer> octets = new LinkedHashMap<>();
    octets.put("origin", ORIGIN_OCTET);
    if (Options.usesTrackerAndSeeder(options.methods())) {
      octets.put("tracker", TRACKER_OCTET);
      octets.put("seeder", SEEDER_OCTET);
    }
    if (options.methods().contains(Method.CACHE)) {
      for (int j = 1; j <= options.cachesFor(options.maxHosts()); j++) {
        octets.put("c" + j, CACHE_OCTET_BASE + j);
      }
    }
    for (int i = 1; i <= options.maxHosts(); i++) {
      octets.put("h" + i, HOST_OCTET_BASE + i);
    }
    say.printf(
        "creating %d network namespaces (%s-*) on a bridge, every link capped at %d Mbit/s both ways...%n",
        octets.size() + 1, options.nsPrefix(), options.rateMbit());
    java.util.Set<String> zoneB = new java.util.TreeSet<>();
    if (options.zoned()) {
      octets.keySet().stream().filter(h -> Options.zoneOf(h).equals("zone-b")).forEach(zoneB::add);
      say.printf(
          "two zones: %s in zone B behind a %d Mbit/s link, the rest in zone A%n",
          zoneB, options.crossZoneMbit());
    }
    topology =
        NetnsTopology.create(
            options.nsPrefix(),
            octets,
            options.rateBitsPerSecond(),
            zoneB,
            options.crossZoneMbit() * 1_000_000L);
    origin =
        NetnsRegistry.start(
            topology.host("origin"),
            options.workDir().resolve("origin"),
            dataDir,
            null,
            Duration.ofSeconds(30),
            options.nice());
    longLived.add(origin);
  }

  private synchronized void closeAll() {
    for (int i = longLived.size() - 1; i >= 0; i--) {
      try {
        longLived.get(i).close();
      } catch (Exception e) {
        say.println("stopping " + longLived.get(i) + " failed: " + e);
      }
    }
    longLived.clear();
    if (topology != null) {
      topology.close();
    }
  }

  private Bed bed() {
    return new Bed(options, topology, origin, expected, imageBlobBytes);
  }
}
