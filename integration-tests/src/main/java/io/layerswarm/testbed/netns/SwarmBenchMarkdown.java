package io.layerswarm.testbed.netns;

import static io.layerswarm.testbed.netns.SwarmBenchReport.fmt;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The Markdown report of a {@link SwarmBench.Result}: parameters, figures per phase, targets. */
final class SwarmBenchMarkdown {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private SwarmBenchMarkdown() {}

  static String markdown(SwarmBench.Result r, String pngName, String jsonName) {
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
      long pre = SwarmBenchReport.originBlobBytesWithPrewarm(p) - p.originBlobBytes();
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
    for (SwarmBenchReport.Target t : SwarmBenchReport.targets(r)) {
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

  private static String num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? "-" : fmt("%.2f", d);
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? fmt("%d min %02d s", s / 60, s % 60) : s + " s";
  }
}
