package io.layerswarm.sim;

import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.sim.net.NetworkOptions;
import io.layerswarm.sim.report.Report;
import io.layerswarm.sim.report.RunResult;
import io.layerswarm.sim.scenario.Scenario;
import io.layerswarm.sim.scenario.ScenarioRun;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/swarm-sim}: simulates N hosts pulling an image through the engine's own swarm
 * policy, for each N asked, and writes a report under {@code bench/results}.
 */
@Command(
    name = "swarm-sim",
    mixinStandardHelpOptions = true,
    description =
        "Simulates N hosts pulling an image through the swarm, with the engine's own policy.")
public final class SwarmSim implements Callable<Integer> {
  @Option(names = "--hosts", split = ",", defaultValue = "4,8,16", description = "N values")
  List<Integer> hosts;

  @Option(
      names = "--size",
      defaultValue = "32MiB",
      description = "image size S (B, KiB, MiB, GiB, KB, MB, GB)")
  String size;

  @Option(names = "--layers", defaultValue = "4")
  int layers;

  @Option(names = "--config-bytes", defaultValue = "0", description = "a config blob of this size")
  long configBytes;

  @Option(names = "--rate-mbit", defaultValue = "20", description = "D: every link, both ways")
  double rateMbit;

  @Option(names = "--latency-ms", defaultValue = "0.05", description = "one-way delay per host")
  double latencyMs;

  @Option(names = "--seeders", defaultValue = "1")
  int seeders;

  @Option(
      names = "--cold",
      description = "seeders fetch each blob from the origin on first request")
  boolean cold;

  @Option(names = "--origin-mbit", defaultValue = "0", description = "origin upload; 0: D")
  double originMbit;

  @Option(names = "--arrival-window-s", defaultValue = "0")
  double arrivalWindowSeconds;

  @Option(names = "--fail-fraction", defaultValue = "0")
  double failFraction;

  @Option(names = "--concurrent-layers", defaultValue = "0", description = "0: all at once")
  int concurrentLayers;

  @Option(
      names = "--piece-kib",
      defaultValue = "0",
      description = "piece length; 0: the seeder's (128 KiB to 16 MiB by blob size)")
  int pieceKib;

  @Option(
      names = "--block-kib",
      defaultValue = "" + TorrentPolicy.MEMBER_BLOCK_SIZE / 1024,
      description = "request size; 0: a whole piece (default: what members ask, decision 35)")
  int blockKib;

  @Option(
      names = "--agent-replaces-torrent",
      description =
          "a finished download is replaced by a new seed torrent, its connections closed (the"
              + " agent before decision 15; default: it stays the seed, as the agent does)")
  boolean replaceTorrent;

  @Option(names = "--verify-mbyte-s", defaultValue = "500", description = "agent sha256 rate")
  double verifyMbyteS;

  @Option(
      names = "--verify-after-download",
      description =
          "the agent hashes a whole blob after its last piece (before decision 36; default: it"
              + " hashes the in-order prefix as the stream reads it, and only the rest after)")
  boolean verifyAfterDownload;

  @Option(
      names = "--inline-max-bytes",
      defaultValue = "" + MetainfoAnswer.DEFAULT_INLINE_MAX_BYTES,
      description =
          "blobs up to this size come inside their metainfo answer (seeder.inline-max-bytes); 0: none")
  int inlineMaxBytes;

  @Option(
      names = "--client-start-ms",
      defaultValue = "0",
      description = "from a pull's start to its first request (client start-up, manifest); in T")
  double clientStartMs;

  @Option(
      names = "--wire-overhead",
      defaultValue = "1.0456",
      description =
          "bytes on the wire per payload byte: TCP/IP over Ethernet, 1514 per 1448 (1: none)")
  double wireOverhead;

  @Option(names = "--racks", defaultValue = "0")
  int racks;

  @Option(names = "--oversubscription", defaultValue = "1")
  double oversubscription;

  @Option(names = "--max-connections", description = "per torrent")
  Integer maxConnections;

  @Option(names = "--numwant")
  Integer numWant;

  @Option(names = "--upload-slots")
  Integer uploadSlots;

  @Option(names = "--choke-turn-s", description = "how long an unchoked peer keeps its slot")
  Double chokeTurnSeconds;

  @Option(
      names = "--idle-slot-ms",
      description =
          "an unchoked peer that asks for nothing this long yields its slot to a waiting peer;"
              + " 0 (the engine's default): only turns end; 25 is what decision 38 measured")
  Long idleSlotMs;

  @Option(names = "--seeder-upload-slots", description = "the seeders' (default: --upload-slots)")
  Integer seederUploadSlots;

  @Option(
      names = "--seeder-max-connections",
      description = "the seeders' per torrent (default: --max-connections)")
  Integer seederMaxConnections;

  // The network model's defaults are the ones its tests bound (NetworkOptions.DEFAULT).
  @Option(
      names = "--rate-spread",
      description =
          "network: rate changes below this share are not followed (0: exact; default 0.01)")
  double rateSpread = NetworkOptions.DEFAULT.rateSpread();

  @Option(
      names = "--express-bytes",
      description =
          "network: messages up to this size on an idle direction skip fair sharing (default"
              + " 256)")
  long expressBytes = NetworkOptions.DEFAULT.expressBytes();

  @Option(
      names = "--super-seed",
      description =
          "seeders offer each peer this many pieces at a time (0: announce all; default: the"
              + " seeder's, 2)")
  int superSeed = SwarmEngine.SUPER_SEED_OFFERS;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--label", defaultValue = "")
  String label;

  @Option(names = "--title", defaultValue = "Swarm simulation")
  String title;

  @Option(names = "--results", defaultValue = "bench/results")
  Path results;

  @Option(names = "--no-report", description = "print the table only")
  boolean noReport;

  private String[] args = new String[0];

  public static void main(String[] args) {
    SwarmSim sim = new SwarmSim();
    sim.args = args.clone();
    System.exit(new CommandLine(sim).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long imageBytes = bytes(size);
    TorrentPolicy policy = TorrentPolicy.DEFAULTS;
    if (maxConnections != null) {
      policy = policy.withMaxConnections(maxConnections);
    }
    if (numWant != null) {
      policy = policy.withNumWant(numWant);
    }
    if (uploadSlots != null) {
      policy = policy.withUploadSlots(uploadSlots);
    }
    if (chokeTurnSeconds != null) {
      policy = policy.withChokeTurn(Duration.ofMillis((long) (chokeTurnSeconds * 1000)));
    }
    if (idleSlotMs != null) {
      policy = policy.withIdleSlot(Duration.ofMillis(idleSlotMs));
    }
    long rate = (long) (rateMbit * 1e6);
    int blobs = layers + (configBytes > 0 ? 1 : 0);
    Scenario base =
        new Scenario(
            hosts.get(0),
            Scenario.equalLayers(imageBytes - configBytes, layers),
            configBytes,
            rate,
            Duration.ofNanos((long) (latencyMs * 1e6)),
            seeders,
            !cold,
            originMbit > 0 ? (long) (originMbit * 1e6) : rate,
            Duration.ofNanos((long) (arrivalWindowSeconds * 1e9)),
            failFraction,
            concurrentLayers == 0 ? blobs : concurrentLayers,
            pieceKib * 1024,
            blockKib * 1024,
            replaceTorrent,
            verifyMbyteS * 1e6,
            !verifyAfterDownload,
            inlineMaxBytes,
            Duration.ofNanos((long) (clientStartMs * 1e6)),
            wireOverhead,
            racks,
            oversubscription,
            policy,
            seederPolicy(policy),
            new NetworkOptions(rateSpread, expressBytes),
            seed);
    List<RunResult> runs = new ArrayList<>();
    for (int n : hosts) {
      RunResult r = ScenarioRun.run(base.withHosts(n));
      runs.add(r);
      RunResult.Summary x = r.summary();
      System.out.printf(
          Locale.ROOT,
          "N=%d  T max %.2f s = %.2f x S/D  p50 %.2f x S/D  seeder upload %.2f x S (all %.2f)"
              + "  failed %d unfinished %d  %d events in %.1f s%n",
          n,
          x.max(),
          x.max() / r.secondsPerImage(),
          x.p50() / r.secondsPerImage(),
          x.seederSentImagesMax(),
          x.seederSentImagesTotal(),
          x.failed(),
          x.unfinished(),
          r.stats().events(),
          r.stats().wallSeconds());
    }
    if (!noReport) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      Path out = results.resolve("sim-" + stamp + (label.isEmpty() ? "" : "-" + label));
      new Report(title, command(), environment(), runs).write(out);
      System.out.println("report: " + out + ".md");
    }
    return 0;
  }

  private String command() {
    return "bench/swarm-sim " + String.join(" ", args);
  }

  private static Map<String, String> environment() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("commit", System.getProperty("sim.commit", "unknown"));
    env.put("date", LocalDateTime.now().toString());
    Path loadavg = Path.of("/proc/loadavg");
    if (Files.isReadable(loadavg)) {
      env.put("load (1, 5, 15 min) at the end", Files.readString(loadavg).trim());
    }
    env.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    env.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    return env;
  }

  /** 700MB, 32MiB, 1GiB, 913B, 12345. */
  static long bytes(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    String[][] units = {
      {"KIB", "1024"},
      {"MIB", "1048576"},
      {"GIB", "1073741824"},
      {"KB", "1000"},
      {"MB", "1000000"},
      {"GB", "1000000000"},
      {"B", "1"}
    };
    for (String[] u : units) {
      if (t.endsWith(u[0])) {
        double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()).trim());
        return (long) (v * Long.parseLong(u[1]));
      }
    }
    return Long.parseLong(t);
  }

  private TorrentPolicy seederPolicy(TorrentPolicy policy) {
    TorrentPolicy seeder =
        seederUploadSlots == null ? policy : policy.withUploadSlots(seederUploadSlots);
    if (seederMaxConnections != null) {
      seeder = seeder.withMaxConnections(seederMaxConnections);
    }
    return seeder.withSuperSeedOffers(superSeed);
  }
}
