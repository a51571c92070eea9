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
   * One target of the issue and whether this run met it ({@code met} null: not measured in this
   * run).
   */
  public record Target(String name, String value, Boolean met) {}

  /** Where the files went. {@code png} is empty when gnuplot is not installed. */
  public record Files3(Path markdown, Path json, Optional<Path> png) {}

  private SwarmBenchReport() {}

  // ------------------------------------------------------------------ targets

  public static List<Target> targets(SwarmBench.Result r) {
    List<Target> out = new ArrayList<>();
    for (String method : List.of("layerswarm", "layerswarm-warm")) {
      if (r.phases().stream().anyMatch(p -> p.method().equals(method))) {
        out.addAll(targets(r, method));
      }
    }
    return out;
  }

  /**
   * Origin blob bytes a method cost: the timed pull plus any pre-warm/pre-heat of its own
   * infrastructure.
   */
  static long originBlobBytesWithPrewarm(SwarmBench.PhaseResult p) {
    Object pre = p.details().get("prewarm_origin_blob_bytes");
    return p.originBlobBytes() + (pre instanceof Number x ? x.longValue() : 0);
  }

  static long originTxWithPrewarm(SwarmBench.PhaseResult p) {
    Object pre = p.details().get("prewarm_origin_tx_bytes");
    return p.originTxBytes() + (pre instanceof Number x ? x.longValue() : 0);
  }

  private static List<Target> targets(SwarmBench.Result r, String method) {
    double bound = r.lowerBoundSeconds();
    String tag = method.equals("layerswarm") ? " [cold seeder]" : " [seeder pre-heated]";
    List<Target> out = new ArrayList<>();
    Map<Integer, SwarmBench.PhaseResult> ls = byN(r, method);
    Map<Integer, SwarmBench.PhaseResult> direct = byN(r, "direct");

    SwarmBench.PhaseResult t16 = ls.get(16);
    if (t16 != null && !Double.isNaN(t16.maxSeconds())) {
      double ratio = t16.maxSeconds() / bound;
      out.add(
          new Target(
              "LayerSwarm T(16) ≤ 1.3 × S/D" + tag,
              fmt("%.2f s = %.2f × S/D", t16.maxSeconds(), ratio),
              ratio <= 1.3));
    } else {
      out.add(
          new Target(
              "LayerSwarm T(16) ≤ 1.3 × S/D" + tag,
              "N=16 not measured (or failed) in this run",
              null));
    }

    List<SwarmBench.PhaseResult> flat =
        ls.values().stream()
            .filter(p -> p.hosts() >= 2 && p.hosts() <= 16 && !Double.isNaN(p.maxSeconds()))
            .toList();
    if (flat.size() >= 2) {
      double lo = flat.stream().mapToDouble(SwarmBench.PhaseResult::maxSeconds).min().orElseThrow();
      double hi = flat.stream().mapToDouble(SwarmBench.PhaseResult::maxSeconds).max().orElseThrow();
      out.add(
          new Target(
              "LayerSwarm T(N) flat within 20% from N=2 to N=16" + tag,
              fmt(
                  "T from %.2f s to %.2f s over N=%s: max/min = %.2f",
                  lo,
                  hi,
                  flat.stream()
                      .map(p -> String.valueOf(p.hosts()))
                      .collect(Collectors.joining(",")),
                  hi / lo),
              hi / lo <= 1.2));
    } else {
      out.add(
          new Target(
              "LayerSwarm T(N) flat within 20% from N=2 to N=16" + tag,
              "fewer than two N in 2..16",
              null));
    }

    List<String> speedups = new ArrayList<>();
    Boolean allFast = null;
    for (int n : new TreeSet<>(ls.keySet())) {
      SwarmBench.PhaseResult d = direct.get(n);
      SwarmBench.PhaseResult l = ls.get(n);
      if (n < 2 || d == null || Double.isNaN(d.maxSeconds()) || Double.isNaN(l.maxSeconds())) {
        continue;
      }
      double sp = d.maxSeconds() / l.maxSeconds();
      boolean ok = sp >= 0.75 * n;
      speedups.add(fmt("N=%d: %.2f (needs %.2f)%s", n, sp, 0.75 * n, ok ? "" : " ✗"));
      allFast = (allFast == null || allFast) && ok;
    }
    out.add(
        new Target(
            "direct/LayerSwarm ≥ 0.75 N" + tag,
            speedups.isEmpty() ? "no N ≥ 2 with both methods" : String.join("; ", speedups),
            allFast));

    List<String> egress = new ArrayList<>();
    Boolean allLow = null;
    for (SwarmBench.PhaseResult p : ls.values()) {
      if (!p.allOk() && p.pulls().isEmpty()) {
        continue;
      }
      double x = originBlobBytesWithPrewarm(p) / (double) (r.imageBlobBytes() * SEEDER_REPLICAS);
      boolean ok = x <= 1.05;
      egress.add(
          fmt(
              "N=%d: %.3f × S (link %.3f × S)%s",
              p.hosts(), x, originTxWithPrewarm(p) / (double) r.imageBlobBytes(), ok ? "" : " ✗"));
      allLow = (allLow == null || allLow) && ok;
    }
    out.add(
        new Target(
            "origin egress ≤ 1.05 × S × R (R = 1)" + tag,
            egress.isEmpty() ? "not measured" : String.join("; ", egress),
            allLow));
    return out;
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

  private static Map<Integer, SwarmBench.PhaseResult> byN(SwarmBench.Result r, String method) {
    Map<Integer, SwarmBench.PhaseResult> out = new LinkedHashMap<>();
    r.phases().stream().filter(p -> p.method().equals(method)).forEach(p -> out.put(p.hosts(), p));
    return out;
  }

  // ------------------------------------------------------------------ files

  /** Writes {@code <dir>/<label>.md}, {@code .json} and (with gnuplot) {@code .png}. */
  public static Files3 write(SwarmBench.Result r, Path dir, String label, Path workDir)
      throws IOException {
    Files.createDirectories(dir);
    Path md = dir.resolve(label + ".md");
    Path json = dir.resolve(label + ".json");
    Path png = dir.resolve(label + ".png");
    Optional<Path> plotted = plot(r, png, workDir);
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
    root.put("mode", o.smoke() ? "smoke" : "full");
    root.put("command", o.command());
    root.put("started", r.started().toString());
    root.put("finished", r.finished().toString());
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("hosts", o.hostCounts());
    params.put("payload_bytes", o.sizeBytes());
    params.put("layers", o.layers());
    params.put("rate_mbit", o.rateMbit());
    params.put("cache_fanout", o.cacheFanout());
    params.put("seeder_replicas", SEEDER_REPLICAS);
    params.put("methods", o.methods().stream().map(m -> m.label).toList());
    params.put("agent_java_opts", o.javaOpts());
    params.put("budget_seconds", o.budget().toSeconds());
    params.put("image_seed", o.seed());
    params.put("client_layout", o.layout().name().toLowerCase(Locale.ROOT));
    params.put("nice", o.nice());
    root.put("parameters", params);
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("repository", SwarmBench.REPOSITORY + ":" + SwarmBench.TAG);
    image.put("manifest_digest", r.imageManifestDigest());
    image.put("blob_bytes_S", r.imageBlobBytes());
    List<Map<String, Object>> blobs = new ArrayList<>();
    for (int i = 0; i < r.blobDigests().size(); i++) {
      blobs.add(Map.of("digest", r.blobDigests().get(i), "size", r.blobSizes().get(i)));
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
      m.put("max_over_lower_bound", round(p.maxSeconds() / r.lowerBoundSeconds()));
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
            "%s hosts pull one image at the same instant (a barrier releases every `skopeo copy` at once); "
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

    b.append("## Results\n\n");
    if (pngName != null) {
      b.append("![completion time against N](").append(pngName).append(")\n\n");
    }
    b.append(
        "T = time until the host's `skopeo copy` exited, from the common start. Origin blob bytes: "
            + "body bytes of blob GETs in the origin's access log during the timed pull; origin link: the "
            + "origin's `tc` egress counter (headers, manifests and TCP/IP framing included). CPU: user+sys "
            + "seconds during the timed pull of every process of the method (skopeo, the method's daemons, the "
            + "origin); busy: CPU-seconds the whole machine spent in that window, out of cores × wall.\n\n");
    b.append(
        "| N | method | T p50 s | T max s | max ÷ S/D | origin blob MiB | ÷ S | origin link MiB "
            + "| CPU s | CPU s/host | machine busy | ok |\n");
    b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    int cores = ((Number) env.get("cores")).intValue();
    for (SwarmBench.PhaseResult p : r.phases()) {
      double wall = p.maxSeconds();
      long pre = originBlobBytesWithPrewarm(p) - p.originBlobBytes();
      String ratio =
          fmt("%.2f", p.originBlobBytes() / (double) r.imageBlobBytes())
              + (pre > 0 ? fmt(" (+%.2f pre-warm)", pre / (double) r.imageBlobBytes()) : "");
      b.append(
          fmt(
              "| %d | %s | %s | %s | %s | %.1f | %s | %.1f | %.1f | %.2f | %s | %s |%n",
              p.hosts(),
              p.method(),
              num(p.p50Seconds()),
              num(p.maxSeconds()),
              num(p.maxSeconds() / bound),
              p.originBlobBytes() / 1048576.0,
              ratio,
              p.originTxBytes() / 1048576.0,
              p.cpuPullSeconds(),
              p.cpuPullSeconds() / p.hosts(),
              Double.isNaN(wall) || wall <= 0
                  ? "-"
                  : fmt("%.0f%%", 100 * p.machineBusySeconds() / (cores * wall)),
              p.allOk() ? "every digest" : "**FAILED**"));
    }
    b.append('\n');

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

    List<SwarmBench.PhaseResult> swarm =
        r.phases().stream().filter(p -> p.method().startsWith("layerswarm")).toList();
    if (!swarm.isEmpty()) {
      b.append("### LayerSwarm: CPU and upload by role\n\n");
      b.append(
          "CPU-seconds during the timed pull by role; setup = CPU the daemons used before the timer "
              + "(JVM start-up, and the pre-heat for layerswarm-warm). Seeder upload = bytes on the seeder's "
              + "link during the pull.\n\n");
      b.append(
          "| N | method | agents CPU s | agent CPU s/host | skopeo CPU s | seeder CPU s | origin CPU s "
              + "| setup CPU s | start-up s | seeder upload MiB | ÷ S | origin GETs by agents |\n");
      b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (SwarmBench.PhaseResult p : swarm) {
        Map<String, Double> cpu = p.cpuByRole();
        Object infra = p.details().get("infra_tx_bytes");
        long seederTx =
            infra instanceof Map<?, ?> mm && mm.get("seeder") instanceof Number x
                ? x.longValue()
                : 0;
        b.append(
            fmt(
                "| %d | %s | %.1f | %.2f | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %.2f | %s |%n",
                p.hosts(),
                p.method(),
                cpu.getOrDefault("agents", 0.0),
                cpu.getOrDefault("agents", 0.0) / p.hosts(),
                cpu.getOrDefault("skopeo", 0.0),
                cpu.getOrDefault("seeder", 0.0),
                cpu.getOrDefault("origin", 0.0),
                p.cpuSetupSeconds(),
                p.details().get("daemons_startup_seconds") instanceof Number x
                    ? fmt("%.1f", x.doubleValue())
                    : "-",
                seederTx / 1048576.0,
                seederTx / (double) r.imageBlobBytes(),
                p.details().getOrDefault("origin_blob_gets_by_agent_gets", "-")));
      }
      b.append('\n');
    }

    b.append("## Targets (reported, not enforced)\n\n| target | this run | met |\n|---|---|---|\n");
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

    b.append("## Completion time of every host (s)\n\n");
    for (SwarmBench.PhaseResult p : r.phases()) {
      b.append("- N=").append(p.hosts()).append(' ').append(p.method()).append(": ");
      b.append(
          p.pulls().stream()
              .map(h -> h.host() + " " + (h.ok() ? num(h.seconds()) : "FAILED"))
              .collect(Collectors.joining(", ")));
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

  // ------------------------------------------------------------------ plot

  /** Draws the PNG with gnuplot; empty (and no file) when gnuplot is not installed or fails. */
  static Optional<Path> plot(SwarmBench.Result r, Path png, Path workDir) throws IOException {
    if (!Commands.installed("gnuplot")) {
      return Optional.empty();
    }
    List<String> methods = List.of("direct", "cache", "layerswarm", "layerswarm-warm");
    TreeSet<Integer> ns = new TreeSet<>();
    r.phases().forEach(p -> ns.add(p.hosts()));
    StringBuilder dat =
        new StringBuilder("# N, max s of: direct cache layerswarm layerswarm-warm, then p50 s\n");
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
            "     '' using 1:8 with linespoints dt 2 lw 1 pt 9 lc 3 title 'LayerSwarm, cold seeder (p50)', \\",
            fmt(
                "     %.4f with lines dt 3 lw 2 lc rgb 'black' title 'S/D (lower bound)', \\",
                bound),
            fmt(
                "     %.4f with lines dt 4 lw 1 lc rgb 'gray40' title '1.3 x S/D (target)'",
                1.3 * bound),
            "");
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
