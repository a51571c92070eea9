package io.layerswarm.testbed.netns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link SwarmBench.Result} into a Markdown report ({@link SwarmBenchMarkdown}), a JSON
 * file with every raw number, and a PNG plot ({@link SwarmBenchPlot}), and evaluates the issue's
 * targets. Targets are reported, never enforced.
 */
public final class SwarmBenchReport {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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
        r.options().zoned()
            ? ZonesReport.plot(r, png, workDir)
            : SwarmBenchPlot.plot(r, png, workDir);
    Files.writeString(json, JSON.writeValueAsString(json(r)) + "\n");
    Files.writeString(
        md,
        SwarmBenchMarkdown.markdown(
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

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
