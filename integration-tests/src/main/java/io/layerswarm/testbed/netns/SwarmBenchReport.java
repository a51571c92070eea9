package io.layerswarm.testbed.netns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a {@link SwarmBench.Result} into a Markdown report, a JSON file with every raw number, and
 * a PNG plot (completion time against N, one line per method; drawn with gnuplot when it is
 * installed), and evaluates the targets. Targets are reported, never enforced.
 */
public final class SwarmBenchReport {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  static final int SEEDER_REPLICAS = 1;

  /**
   * Version of the JSON layout (bench/README.md documents it). 2: the aria2c method, the issue-10
   * figures per phase, CPU by host, tc settings and blob kinds.
   */
  static final int SCHEMA_VERSION = 2;

  /**
   * One target of the issue and whether this run met it ({@code met} null: not measured in this
   * run).
   */
  public record Target(String name, String value, Boolean met) {}

  /** Where the files went. {@code png} is empty when gnuplot is not installed. */
  public record Files3(Path markdown, Path json, Optional<Path> png) {}

  private SwarmBenchReport() {}

  // ------------------------------------------------------------------ targets

  /** The issue-10 netns targets on this run ({@link SwarmBenchTargets}). */
  public static List<Target> targets(SwarmBench.Result r) {
    return SwarmBenchTargets.of(r);
  }

  /**
   * Origin blob bytes a method cost: the timed pull plus any pre-warm/pre-heat of its own
   * infrastructure.
   */
  static long originBlobBytesWithPrewarm(SwarmBench.PhaseResult p) {
    Object pre = p.details().get("prewarm_origin_blob_bytes");
    return p.originBlobBytes() + (pre instanceof Number x ? x.longValue() : 0);
  }

  /**
   * Smoke criteria: every host got every digest, and LayerSwarm's origin blob bytes ≤ 1.05 × S × R.
   */
  public static List<String> smokeFailures(SwarmBench.Result r) {
    List<String> fails = new ArrayList<>();
    for (SwarmBench.PhaseResult p : r.phases()) {
      if (!p.allOk()) {
        fails.add(p.method() + " N=" + p.hosts() + ": " + p.error());
      }
      if (p.method().startsWith("layerswarm")
          && originBlobBytesWithPrewarm(p) > 1.05 * r.imageBlobBytes() * SEEDER_REPLICAS) {
        fails.add(
            fmt(
                "%s N=%d: origin sent %d blob bytes > 1.05 × S × R = %.0f",
                p.method(),
                p.hosts(),
                originBlobBytesWithPrewarm(p),
                1.05 * r.imageBlobBytes() * SEEDER_REPLICAS));
      }
    }
    for (SwarmBench.Method m : r.options().methods()) {
      for (int n : r.options().hostCounts()) {
        boolean ran =
            r.phases().stream().anyMatch(p -> p.method().equals(m.label) && p.hosts() == n);
        if (!ran) {
          fails.add(m.label + " N=" + n + " did not run");
        }
      }
    }
    return fails;
  }

  // ------------------------------------------------------------------ files

  /** Writes {@code <dir>/<label>.md}, {@code .json} and (with gnuplot) {@code .png}. */
  public static Files3 write(SwarmBench.Result r, Path dir, String label, Path workDir)
      throws IOException {
    Files.createDirectories(dir);
    Path md = dir.resolve(label + ".md");
    Path json = dir.resolve(label + ".json");
    Path png = dir.resolve(label + ".png");
    Optional<Path> plotted =
        r.options().zoned() ? ZonesReport.plot(r, png, workDir) : plot(r, png, workDir);
    Files.writeString(json, JSON.writeValueAsString(json(r)) + "\n");
    Files.writeString(
        md,
        markdown(
            r,
            plotted.map(p -> p.getFileName().toString()).orElse(null),
            json.getFileName().toString()));
    return new Files3(md, json, plotted);
  }

  public static Map<String, Object> json(SwarmBench.Result r) {
    SwarmBench.Options o = r.options();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("benchmark", "swarm-bench");
    root.put("schema_version", SCHEMA_VERSION);
    root.put("mode", o.smoke() ? "smoke" : "full");
    root.put("command", o.command());
    root.put("started", r.started().toString());
    root.put("finished", r.finished().toString());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("hosts", o.hostCounts());
    params.put("payload_bytes", o.sizeBytes());
    params.put("layers", o.layers());
    params.put("rate_mbit", o.rateMbit());
    params.put("cross_zone_mbit", o.crossZoneMbit());
    params.put("cache_fanout", o.cacheFanout());
    params.put("seeder_replicas", SEEDER_REPLICAS);
    params.put("methods", o.methods().stream().map(m -> m.label).toList());
    params.put("agent_java_opts", o.javaOpts());
    params.put("budget_seconds", o.budget().toSeconds());
    params.put("image_seed", o.seed());
    params.put("client_layout", o.layout().name().toLowerCase(Locale.ROOT));
    params.put("nice", o.nice());
    params.put("rate_bits_per_second", o.rateBitsPerSecond());
    params.put("tc_burst_bytes", NetnsTopology.burstBytes(o.rateBitsPerSecond()));
    params.put("tc_latency_ms", NetnsTopology.TBF_LATENCY_MS);
    root.put("parameters", params);
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("repository", SwarmBench.REPOSITORY + ":" + SwarmBench.TAG);
    image.put("manifest_digest", r.imageManifestDigest());
    image.put("blob_bytes_S", r.imageBlobBytes());
    List<Map<String, Object>> blobs = new ArrayList<>();
    for (int i = 0; i < r.blobDigests().size(); i++) {
      Map<String, Object> blob = new LinkedHashMap<>();
      blob.put("digest", r.blobDigests().get(i));
      blob.put("size", r.blobSizes().get(i));
      blob.put("kind", r.blobKinds().get(i));
      blobs.add(blob);
    }
    image.put("blobs", blobs);
    root.put("image", image);
    root.put("lower_bound_seconds_S_over_D", round(r.lowerBoundSeconds()));
    root.put("environment", r.environment());
    List<Map<String, Object>> phases = new ArrayList<>();
    for (SwarmBench.PhaseResult p : r.phases()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", p.method());
      m.put("hosts", p.hosts());
      m.put("all_ok", p.allOk());
      m.put("error", p.error());
      m.put("p50_seconds", round(p.p50Seconds()));
      m.put("max_seconds", round(p.maxSeconds()));
      PhaseFigures f = SwarmBenchTargets.figures(r, p);
      m.put("max_over_lower_bound", round(f.maxOverBound()));
      m.put("p50_over_lower_bound", round(f.p50OverBound()));
      m.put("seed_tx_bytes", f.seedTxBytes() < 0 ? null : f.seedTxBytes());
      m.put("seed_tx_over_S", round(f.seedTxOverS()));
      m.put("host_rx_over_S_mean", round(f.meanRxOverS()));
      m.put("host_rx_over_S_max", round(f.maxRxOverS()));
      m.put("host_tx_over_S_mean", round(f.meanTxOverS()));
      m.put("agent_cpu_seconds_per_host_mean", round(f.agentCpuPerHost()));
      m.put("agent_cpu_seconds_per_host_max", round(f.agentCpuMaxHost()));
      m.put("origin_blob_bytes", p.originBlobBytes());
      m.put("origin_blob_gets", p.originBlobGets());
      m.put("origin_blob_bytes_by_user_agent", p.originBlobBytesByAgent());
      m.put("origin_link_tx_bytes", p.originTxBytes());
      m.put("cpu_seconds_pull", round(p.cpuPullSeconds()));
      m.put("cpu_seconds_pull_per_host", round(p.cpuPullSeconds() / p.hosts()));
      m.put("cpu_seconds_setup", round(p.cpuSetupSeconds()));
      Map<String, Object> roles = new LinkedHashMap<>();
      p.cpuByRole().forEach((k, v) -> roles.put(k, round(v)));
      m.put("cpu_seconds_pull_by_role", roles);
      Map<String, Object> byHost = new LinkedHashMap<>();
      p.cpuByHost().forEach((k, v) -> byHost.put(k, round(v)));
      m.put("cpu_seconds_pull_by_host", byHost);
      m.put("machine_busy_cpu_seconds", round(p.machineBusySeconds()));
      m.put("load1_before", p.load1());
      m.put("details", roundAll(p.details()));
      List<Map<String, Object>> hosts = new ArrayList<>();
      for (SwarmBench.HostResult h : p.pulls()) {
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("host", h.host());
        hm.put("ip", h.ip());
        hm.put("source", h.source());
        hm.put("seconds", round(h.seconds()));
        hm.put("ok", h.ok());
        hm.put("error", h.error());
        hm.put("skopeo_cpu_seconds", round(h.skopeoCpuSeconds()));
        hm.put("agent_cpu_seconds", round(h.agentCpuSeconds()));
        hm.put("rx_bytes", h.rxBytes());
        hm.put("tx_bytes", h.txBytes());
        hosts.add(hm);
      }
      m.put("pulls", hosts);
      phases.add(m);
    }
    root.put("phases", phases);
    List<Map<String, Object>> targets = new ArrayList<>();
    for (Target t : targets(r)) {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("target", t.name());
      tm.put("value", t.value());
      tm.put("met", t.met());
      targets.add(tm);
    }
    root.put("targets", targets);
    root.put("skipped", r.skipped());
    return root;
  }

  public static String markdown(SwarmBench.Result r, String pngName, String jsonName) {
    SwarmBench.Options o = r.options();
    double bound = r.lowerBoundSeconds();
    StringBuilder b = new StringBuilder();
    b.append("# Swarm benchmark")
        .append(o.smoke() ? " (smoke)" : "")
        .append(", ")
        .append(STAMP.format(r.started()))
        .append("\n\n");
    b.append("```sh\n").append(o.command()).append("\n```\n\n");
    b.append(
        fmt(
            "%s hosts pull one image at the same instant (a barrier releases every host's client, `skopeo copy` or aria2c, at once); "
                + "each host is a network namespace on one bridge, every link capped at D both ways with `tc tbf`. "
                + "Raw numbers: [%s](%s).%n%n",
            o.hostCounts().stream().map(String::valueOf).collect(Collectors.joining(", ")),
            jsonName,
            jsonName));
    b.append("| parameter | value |\n|---|---|\n");
    b.append(
        fmt(
            "| image S | %,d bytes of blobs (%.1f MiB: %d random layers + config), `%s` |%n",
            r.imageBlobBytes(),
            r.imageBlobBytes() / 1048576.0,
            o.layers(),
            r.imageManifestDigest()));
    b.append(
        fmt(
            "| link cap D | %d Mbit/s up and down on every host, the origin's too |%n",
            o.rateMbit()));
    b.append(
        fmt(
            "| lower bound S/D | %.2f s (TCP/IP framing alone adds about 4.5%%: 1514 bytes on the wire per"
                + " 1448 of payload) |%n",
            bound));
    b.append(
        fmt(
            "| cache tree | one docker-registry pull-through cache per %d hosts, pre-warmed before the timer |%n",
            o.cacheFanout()));
    b.append(
        fmt(
            "| LayerSwarm | tracker and one seeder (R = 1) on their own hosts, an agent JVM on every host, "
                + "`JAVA_OPTS=%s`, fresh data dirs; `layerswarm`: seeder **cold**, `layerswarm-warm`: seeder "
                + "pre-heated before the timer |%n",
            o.javaOpts()));
    if (o.methods().contains(SwarmBench.Method.ARIA2C)) {
      b.append(
          "| aria2c | Debian's aria2c and opentracker: opentracker on the tracker host, an aria2c seed "
              + "with every blob pre-loaded and checked before the timer on the seeder host, one aria2c "
              + "per pulling host that downloads every blob at once and keeps seeding; one torrent per blob "
              + "made by our `Metainfo.create` with `PieceLength.forSize` (as LayerSwarm's seeder); DHT, LPD "
              + "and PEX off |\n");
    }
    b.append(
        fmt(
            "| tc | `tbf` rate D, burst %d bytes, latency %d ms, on every host's eth0 and bridge port |%n",
            NetnsTopology.burstBytes(o.rateBitsPerSecond()), NetnsTopology.TBF_LATENCY_MS));
    b.append(
        fmt(
            "| client | `skopeo copy docker://… %s:…` (%s) |%n",
            o.layout() == BarrierPull.Layout.OCI ? "oci" : "dir",
            o.layout() == BarrierPull.Layout.OCI
                ? "an OCI layout: layers are fetched concurrently, "
                    + "like dockerd, containerd and podman do"
                : "skopeo fetches one layer after the other"));
    Map<String, Object> env = r.environment();
    b.append(
        fmt(
            "| machine | %s cores, %s GiB, kernel %s, load %.1f at start; benchmark processes at nice %d%s |%n",
            env.get("cores"),
            env.get("memory_gib"),
            env.get("kernel"),
            ((Number) env.get("load1_at_start")).doubleValue(),
            o.nice(),
            o.nice() < 0 ? " (ahead of other work on the machine)" : ""));
    b.append(
        fmt(
            "| code | dist `%s`, commit `%s`, uncommitted daemon changes: %s; launcher JVM flags after "
                + "JAVA_OPTS: `%s` |%n",
            env.get("dist"),
            env.get("dist_commit"),
            env.get("dist_source_dirty"),
            env.get("launcher_jvm_flags")));
    b.append(
        fmt(
            "| tools | %s; %s; %s |%n%n",
            env.get("skopeo"), env.get("docker_registry"), env.get("java")));

    b.append(ZonesReport.markdown(r, pngName));
    b.append("## Results\n\n");
    if (pngName != null && !o.zoned()) {
      b.append("![completion time against N](").append(pngName).append(")\n\n");
    }
    b.append(
        "T = time from the common start until the host has the image: its `skopeo copy` exited "
            + "(direct, cache, LayerSwarm), or aria2c's completion hook checked the sha256 of its last "
            + "blob (aria2c). Seed upload = bytes on the seeder host's link during the pull (LayerSwarm's "
            + "seeder, or the pre-loaded aria2c seed); host rx/tx = bytes on each pulling host's link "
            + "(TCP/IP framing alone makes rx ≈ 1.046 × S; more means duplicates). Origin blob: body bytes "
            + "of blob GETs in the origin's access log during the pull. CPU: user+sys seconds during the "
            + "pull of every process of the method; agent CPU = the per-host daemon (LayerSwarm agent or "
            + "aria2c); busy = CPU-seconds the whole machine spent in that window ÷ (cores × T max); "
            + "load = 1-minute load average before the phase.\n\n");
    b.append(
        "| N | method | T p50 s | T max s | max ÷ S/D | p50 ÷ S/D | seed upload ÷ S | host rx ÷ S mean"
            + " (max) | host tx ÷ S mean | origin blob ÷ S | CPU s | agent CPU s/host mean (max) "
            + "| machine busy | load | ok |\n");
    b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    int cores = ((Number) env.get("cores")).intValue();
    for (SwarmBench.PhaseResult p : r.phases()) {
      PhaseFigures f = SwarmBenchTargets.figures(r, p);
      double wall = p.maxSeconds();
      long pre = originBlobBytesWithPrewarm(p) - p.originBlobBytes();
      String origin =
          fmt("%.2f", p.originBlobBytes() / (double) r.imageBlobBytes())
              + (pre > 0 ? fmt(" (+%.2f pre-warm)", pre / (double) r.imageBlobBytes()) : "");
      b.append(
          fmt(
              "| %d | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %.1f | %s (%s) | %s | %.1f | %s |%n",
              p.hosts(),
              p.method(),
              num(p.p50Seconds()),
              num(p.maxSeconds()),
              num(f.maxOverBound()),
              num(f.p50OverBound()),
              num(f.seedTxOverS()),
              num(f.meanRxOverS()),
              num(f.maxRxOverS()),
              num(f.meanTxOverS()),
              origin,
              p.cpuPullSeconds(),
              num(f.agentCpuPerHost()),
              num(f.agentCpuMaxHost()),
              Double.isNaN(wall) || wall <= 0
                  ? "-"
                  : fmt("%.0f%%", 100 * p.machineBusySeconds() / (cores * wall)),
              p.load1(),
              p.allOk() ? "every digest" : "**FAILED**"));
    }
    b.append('\n');
    cpuByRole(b, r);
    AgentInside.markdown(b, r.phases(), r.imageBlobBytes());

    List<SwarmBench.PhaseResult> caches =
        r.phases().stream()
            .filter(p -> p.method().equals("cache") && p.details().containsKey("prewarm_seconds"))
            .toList();
    if (!caches.isEmpty()) {
      b.append("### Cache tree pre-warm (before the timer, not in T)\n\n");
      b.append(
          "distribution 2.8 (Debian's docker-registry) as a pull-through cache fetches every missed blob "
              + "**twice** from its upstream (one stream for the client, one for its storage; fixed upstream "
              + "after 2.8), so a pre-warm costs the origin about 2 × S per cache.\n\n");
      b.append(
          "| N | caches | pre-warm s | origin blob MiB | ÷ S per cache | origin blob GETs |\n");
      b.append("|---:|---:|---:|---:|---:|---:|\n");
      for (SwarmBench.PhaseResult p : caches) {
        int m = ((Number) p.details().get("caches")).intValue();
        long bytes = ((Number) p.details().get("prewarm_origin_blob_bytes")).longValue();
        b.append(
            fmt(
                "| %d | %d | %.2f | %.1f | %.2f | %s |%n",
                p.hosts(),
                m,
                ((Number) p.details().get("prewarm_seconds")).doubleValue(),
                bytes / 1048576.0,
                bytes / (double) r.imageBlobBytes() / m,
                p.details().get("prewarm_origin_blob_gets")));
      }
      b.append('\n');
    }

    List<SwarmBench.PhaseResult> warm =
        r.phases().stream()
            .filter(
                p ->
                    p.method().equals("layerswarm-warm")
                        && p.details().containsKey("prewarm_seconds"))
            .toList();
    if (!warm.isEmpty()) {
      b.append(
          "### LayerSwarm seeder pre-heat (layerswarm-warm only; before the timer, not in T)\n\n");
      b.append("| N | pre-heat s | origin blob MiB | ÷ S |\n|---:|---:|---:|---:|\n");
      for (SwarmBench.PhaseResult p : warm) {
        long bytes = ((Number) p.details().get("prewarm_origin_blob_bytes")).longValue();
        b.append(
            fmt(
                "| %d | %.2f | %.1f | %.2f |%n",
                p.hosts(),
                ((Number) p.details().get("prewarm_seconds")).doubleValue(),
                bytes / 1048576.0,
                bytes / (double) r.imageBlobBytes()));
      }
      b.append('\n');
    }

    b.append(
        "## Issue 10 targets (netns; reported, not enforced)\n\n| target | this run | met |\n"
            + "|---|---|---|\n");
    for (Target t : targets(r)) {
      b.append("| ")
          .append(t.name())
          .append(" | ")
          .append(t.value())
          .append(" | ")
          .append(t.met() == null ? "n/a" : t.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    b.append('\n');

    b.append("## Every host: T s, rx ÷ S, tx ÷ S, its daemon's CPU s\n\n");
    b.append(
        "Per phase, every pulling host, then the method's own hosts (seeder, tracker, caches) with the "
            + "CPU of the processes on them. A host's CPU is its LayerSwarm agent or aria2c (skopeo "
            + "apart); compare the sum with the cores × T max to tell the cores from the design.\n\n");
    double s = r.imageBlobBytes();
    for (SwarmBench.PhaseResult p : r.phases()) {
      b.append("- N=").append(p.hosts()).append(' ').append(p.method()).append(": ");
      b.append(
          p.pulls().stream()
              .map(
                  h ->
                      h.host()
                          + " "
                          + (h.ok() ? num(h.seconds()) : "FAILED")
                          + fmt(" (%.2f, %.2f", h.rxBytes() / s, h.txBytes() / s)
                          + (Double.isNaN(h.agentCpuSeconds())
                              ? ")"
                              : fmt(", %.2f CPU-s)", h.agentCpuSeconds())))
              .collect(Collectors.joining(", ")));
      List<String> infra = new ArrayList<>();
      p.cpuByHost()
          .forEach(
              (host, cpu) -> {
                if (!host.startsWith("h")) {
                  infra.add(fmt("%s %.2f CPU-s", host, cpu));
                }
              });
      if (!infra.isEmpty()) {
        b.append("; ").append(String.join(", ", infra));
      }
      if (p.error() != null) {
        b.append(" (").append(p.error().replace('\n', ' ')).append(')');
      }
      b.append('\n');
    }
    if (!r.skipped().isEmpty()) {
      b.append("\nSkipped (time budget used up): ")
          .append(String.join(", ", r.skipped()))
          .append('\n');
    }
    b.append(fmt("%nRun took %s.%n", human(Duration.between(r.started(), r.finished()))));
    return b.toString();
  }

  /** CPU-seconds during the pull by role, one column per role any phase has. */
  private static void cpuByRole(StringBuilder b, SwarmBench.Result r) {
    List<String> roles = new ArrayList<>();
    r.phases()
        .forEach(
            p ->
                p.cpuByRole()
                    .keySet()
                    .forEach(
                        k -> {
                          if (!roles.contains(k)) {
                            roles.add(k);
                          }
                        }));
    b.append("### CPU by role\n\n");
    b.append(
        "CPU-seconds during the timed pull, by role: `agents` = the daemon on every pulling host "
            + "(LayerSwarm agent or aria2c), `seeder` = LayerSwarm's seeder or the aria2c seed, `tracker` = "
            + "LayerSwarm's tracker or opentracker. Setup = CPU the daemons used before the timer (start-up, "
            + "pre-heat, the aria2c seed's check of its files).\n\n");
    b.append("| N | method | ")
        .append(roles.stream().map(k -> k + " s").collect(Collectors.joining(" | ")))
        .append(" | agents s/host | setup s | start-up s |\n|---:|---|")
        .append("---:|".repeat(roles.size() + 3))
        .append('\n');
    for (SwarmBench.PhaseResult p : r.phases()) {
      b.append("| ").append(p.hosts()).append(" | ").append(p.method()).append(" | ");
      for (String k : roles) {
        Double v = p.cpuByRole().get(k);
        b.append(v == null ? "-" : fmt("%.1f", v)).append(" | ");
      }
      Double agents = p.cpuByRole().get("agents");
      b.append(agents == null ? "-" : fmt("%.2f", agents / p.hosts()))
          .append(fmt(" | %.1f | ", p.cpuSetupSeconds()))
          .append(
              p.details().get("daemons_startup_seconds") instanceof Number x
                  ? fmt("%.1f", x.doubleValue())
                  : "-")
          .append(" |\n");
    }
    b.append('\n');
  }

  // ------------------------------------------------------------------ plot

  /** Draws the PNG with gnuplot; empty (and no file) when gnuplot is not installed or fails. */
  static Optional<Path> plot(SwarmBench.Result r, Path png, Path workDir) throws IOException {
    if (!Commands.installed("gnuplot")) {
      return Optional.empty();
    }
    List<String> methods = List.of("direct", "cache", "layerswarm", "layerswarm-warm", "aria2c");
    TreeSet<Integer> ns = new TreeSet<>();
    r.phases().forEach(p -> ns.add(p.hosts()));
    StringBuilder dat =
        new StringBuilder(
            "# N, max s of: direct cache layerswarm layerswarm-warm aria2c, then p50 s\n");
    for (int n : ns) {
      dat.append(n);
      for (boolean max : new boolean[] {true, false}) {
        for (String m : methods) {
          Optional<SwarmBench.PhaseResult> p =
              r.phases().stream().filter(x -> x.hosts() == n && x.method().equals(m)).findFirst();
          double v = p.map(x -> max ? x.maxSeconds() : x.p50Seconds()).orElse(Double.NaN);
          dat.append(' ').append(Double.isNaN(v) ? "?" : fmt("%.3f", v));
        }
      }
      dat.append('\n');
    }
    Files.createDirectories(workDir);
    Path datFile = workDir.resolve("plot.dat");
    Path script = workDir.resolve("plot.gp");
    Files.writeString(datFile, dat);
    double bound = r.lowerBoundSeconds();
    SwarmBench.Options o = r.options();
    String title =
        fmt(
            "Time to fill N hosts: S = %.0f MiB in %d layers, D = %d Mbit/s per link%s",
            r.imageBlobBytes() / 1048576.0, o.layers(), o.rateMbit(), o.smoke() ? " (smoke)" : "");
    String gp =
        String.join(
            "\n",
            "set terminal pngcairo size 1000,640 font 'sans,11'",
            "set output '" + png.toAbsolutePath() + "'",
            "set datafile missing '?'",
            "set title \"" + title + "\"",
            "set xlabel 'N hosts pulling at once'",
            "set ylabel 'seconds until the last host has the image'",
            "set logscale x 2",
            "set xtics ("
                + ns.stream().map(n -> "'" + n + "' " + n).collect(Collectors.joining(", "))
                + ")",
            "set xrange [" + Math.max(0.8, ns.first() * 0.8) + ":" + (ns.last() * 1.25) + "]",
            "set yrange [0:*]",
            "set grid",
            "set key top left",
            fmt(
                "plot '%s' using 1:2 with linespoints lw 2 pt 7 title 'direct from origin (max)', \\",
                datFile),
            "     '' using 1:3 with linespoints lw 2 pt 5 title 'cache tree, pre-warmed (max)', \\",
            "     '' using 1:4 with linespoints lw 2 pt 9 title 'LayerSwarm, cold seeder (max)', \\",
            "     '' using 1:5 with linespoints lw 2 pt 11 title 'LayerSwarm, seeder pre-heated (max)', \\",
            "     '' using 1:6 with linespoints lw 2 pt 13 lc rgb 'dark-green' title 'aria2c + opentracker, seed pre-loaded (max)', \\",
            "     '' using 1:10 with linespoints dt 2 lw 1 pt 11 lc 4 title 'LayerSwarm, seeder pre-heated (p50)', \\",
            fmt(
                "     %.4f with lines dt 3 lw 2 lc rgb 'black' title 'S/D (lower bound)', \\",
                bound),
            fmt(
                "     %.4f with lines dt 4 lw 1 lc rgb 'gray40' title '1.5 x S/D (issue 10 target)'",
                1.5 * bound),
            "");
    return gnuplot(script, gp, png);
  }

  /** Writes {@code gp} to {@code script} and runs gnuplot on it; the PNG, or empty if it failed. */
  static Optional<Path> gnuplot(Path script, String gp, Path png) throws IOException {
    Files.writeString(script, gp);
    try {
      Commands.Result res =
          Commands.run(Duration.ofSeconds(60), List.of("gnuplot", script.toString()));
      if (!res.ok() || !Files.exists(png)) {
        System.err.println("gnuplot failed: " + res.output());
        return Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    return Optional.of(png);
  }

  // ------------------------------------------------------------------ helpers

  private static Object round(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return null;
    }
    return Math.round(d * 1000) / 1000.0;
  }

  private static Map<String, Object> roundAll(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v instanceof Double d ? round(d) : v));
    return out;
  }

  private static String num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? "-" : fmt("%.2f", d);
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? fmt("%d min %02d s", s / 60, s % 60) : s + " s";
  }
}
