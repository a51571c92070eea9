package io.layerswarm.testbed.trackerload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.layerswarm.testbed.netns.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The tracker bench's report: a Markdown table per target and phase, the targets, the
 * announce cost per host, JSON with the same figures, and a PNG (gnuplot). No path of the machine
 * goes into any of them.
 */
final class TrackerBenchReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Ethernet, IP and TCP headers of a TCP connection opened for one request and closed after it
   * (SYN, SYN-ACK, ACK, the request, the answer, their ACKs, FIN both ways, the last ACK: about 10
   * frames of 66 bytes with TCP timestamps). An estimate, not measured: our agent's tracker client
   * opens a connection per announce ({@code Connection: close}).
   */
  static final int TCP_BYTES_PER_CONNECTION = 10 * 66;

  /** Version of the JSON layout. */
  static final int SCHEMA_VERSION = 1;

  record Run(
      TrackerBench.Options options,
      String command,
      String commit,
      ZonedDateTime date,
      String loadAverage,
      List<TrackerBench.TargetResult> targets) {}

  record Files3(Path markdown, Path json, Optional<Path> png) {}

  /** One of the targets and whether this run met it (null: not measured). */
  record Target(String name, String value, Boolean met) {}

  private TrackerBenchReport() {}

  static Files3 write(Run run) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(run.options().results());
    String label = run.options().label();
    Path png = dir.resolve(label + ".png");
    Optional<Path> plotted = plot(run, png, Files.createDirectories(run.options().work()));
    Path md = dir.resolve(label + ".md");
    Files.writeString(md, markdown(run, plotted.map(p -> p.getFileName().toString()).orElse(null)));
    Path json = dir.resolve(label + ".json");
    JSON.writeValue(json.toFile(), json(run));
    return new Files3(md, json, plotted);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ------------------------------------------------------------------ targets and cost

  static Optional<TrackerBench.PhaseResult> phase(Run run, String kind, String phase) {
    return run.targets().stream()
        .filter(t -> t.kind().equals(kind))
        .flatMap(t -> t.phases().stream())
        .filter(p -> p.load().phase().equals(phase))
        .findFirst();
  }

  static List<Target> targets(Run run) {
    List<Target> out = new ArrayList<>();
    Optional<TrackerBench.PhaseResult> memMax = phase(run, "memory", "max");
    Optional<TrackerBench.PhaseResult> memSteady = phase(run, "memory", "steady");
    Optional<TrackerBench.PhaseResult> otMax = phase(run, "opentracker", "max");
    Optional<TrackerBench.PhaseResult> redisMax = phase(run, "redis", "max");
    Optional<TrackerBench.PhaseResult> redisSteady = phase(run, "redis", "steady");
    out.add(atLeast("in-memory: max announces/s >= 20,000", memMax.map(rate()), 20_000));
    out.add(steadyP99("in-memory", memSteady, 20, run.options().steadyRate()));
    if (memMax.isPresent() && otMax.isPresent()) {
      double share =
          memMax.get().load().achievedPerSecond() / otMax.get().load().achievedPerSecond();
      out.add(
          new Target(
              "in-memory: max >= 1/2 of opentracker's",
              String.format(Locale.ROOT, "%.2f of opentracker's", share),
              share >= 0.5));
    } else {
      out.add(new Target("in-memory: max >= 1/2 of opentracker's", "not measured", null));
    }
    out.add(atLeast("Redis: max announces/s >= 5,000", redisMax.map(rate()), 5_000));
    out.add(steadyP99("Redis", redisSteady, 50, run.options().steadyRate()));
    return out;
  }

  private static java.util.function.Function<TrackerBench.PhaseResult, Double> rate() {
    return p -> p.load().achievedPerSecond();
  }

  private static Target atLeast(String name, Optional<Double> value, double min) {
    return value
        .map(v -> new Target(name, String.format(Locale.ROOT, "%,.0f/s", v), v >= min))
        .orElse(new Target(name, "not measured", null));
  }

  /** p99 under {@code maxMs}, and the offered rate answered without errors. */
  private static Target steadyP99(
      String store, Optional<TrackerBench.PhaseResult> steady, double maxMs, double rate) {
    String name =
        String.format(Locale.ROOT, "%s: p99 < %.0f ms at %,.0f/s (no errors)", store, maxMs, rate);
    return steady
        .map(
            p ->
                new Target(
                    name,
                    String.format(
                        Locale.ROOT,
                        "p99 %.2f ms, %,.0f/s answered, %d errors",
                        p.load().p99Ms(),
                        p.load().achievedPerSecond(),
                        p.load().errors()),
                    p.load().p99Ms() < maxMs && p.load().errors() == 0))
        .orElse(new Target(name, "not measured", null));
  }

  /**
   * Announce cost per host, from the steady phase of our tracker (in memory, else Redis): HTTP
   * bytes per announce as measured on the generator's connections, scaled to L layers every
   * interval.
   */
  static Map<String, Object> cost(Run run) {
    Optional<TrackerBench.PhaseResult> steady =
        phase(run, "memory", "steady").or(() -> phase(run, "redis", "steady"));
    if (steady.isEmpty() || steady.get().load().sent() == 0) {
      return Map.of();
    }
    PhaseStats.Summary s = steady.get().load();
    double request = (double) s.requestBytes() / s.sent();
    double response = (double) s.responseBytes() / Math.max(1, s.ok() + s.errors());
    int layers = run.options().workload().layers();
    Duration interval = run.options().interval();
    double perMinute = layers * 60.0 / interval.toSeconds();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("layers", layers);
    c.put("interval_s", interval.toSeconds());
    c.put("numwant", run.options().workload().numwant());
    c.put("peers_per_answer", s.peersPerAnswer());
    c.put("request_bytes", request);
    c.put("response_bytes", response);
    c.put("announces_per_host_per_minute", perMinute);
    c.put("http_bytes_per_host_per_minute", perMinute * (request + response));
    c.put(
        "with_connection_per_announce_bytes_per_host_per_minute",
        perMinute
            * (request + response + "Connection: close\r\n".length() + TCP_BYTES_PER_CONNECTION));
    c.put("hosts", 10_000);
    c.put("announces_per_second_10k_hosts", 10_000 * perMinute / 60);
    c.put("http_bytes_per_second_10k_hosts", 10_000 * perMinute * (request + response) / 60);
    return c;
  }

  // ------------------------------------------------------------------ markdown

  static String markdown(Run run, String pngName) {
    TrackerBench.Options o = run.options();
    Workload w = o.workload();
    StringBuilder b = new StringBuilder();
    b.append("# Tracker load: ").append(o.label()).append("\n\n");
    b.append("- command: `").append(run.command()).append("`\n");
    b.append("- date: ")
        .append(run.date().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
        .append(" UTC, commit ")
        .append(run.commit())
        .append('\n');
    b.append("- machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs; load average at start ")
        .append(run.loadAverage())
        .append(" (1, 5, 15 min), at the end ")
        .append(loadAverage())
        .append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "- workload: %,d hosts x %d layers (%,d peers per target), %d connections from"
                + " as many 127.10.x.y addresses, one request in flight on each (%s), numwant %d; burst: every host announces"
                + " `started` for every layer within %d s; steady: %,.0f regular announces/s for %d s;"
                + " max: closed loop for %d s. Our trackers sign-checked (cluster secret), JAVA_OPTS"
                + " `%s`; opentracker unsigned, whitelist mode\n\n",
            w.hosts(),
            w.layers(),
            (long) w.hosts() * w.layers(),
            w.connections(),
            o.connectionPerAnnounce()
                ? "a new connection per announce with `Connection: close` to every tracker, as"
                    + " our agent's client does"
                : "keep-alive to ours; a new connection per announce to opentracker, which"
                    + " closes after each answer",
            w.numwant(),
            o.burstWindow().toSeconds(),
            o.steadyRate(),
            o.steady().toSeconds(),
            o.max().toSeconds(),
            o.trackerJavaOpts()));
    b.append(
        "| target | phase | offered/s | sent | ok | errors | answered/s | p50 ms | p99 ms | max ms | peers/answer | TCP connects | tracker CPU s | tracker CPU ms per 1,000 | generator CPU s | machine busy CPU s | RSS MiB |\n");
    b.append(
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    List<String> errorLines = new ArrayList<>();
    for (TrackerBench.TargetResult t : run.targets()) {
      if (t.failure() != null) {
        errorLines.add("- " + t.kind() + ": " + t.failure());
      }
      for (TrackerBench.PhaseResult p : t.phases()) {
        PhaseStats.Summary s = p.load();
        double cpu = p.trackerCpuSeconds();
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %,d | %,d | %,d | %,.0f | %.2f | %.2f | %.1f | %.1f | %,d | %s | %.0f | %.1f | %.1f | %s |\n",
                t.kind(),
                s.phase(),
                s.offeredPerSecond() == 0
                    ? "max"
                    : String.format(Locale.ROOT, "%,.0f", s.offeredPerSecond()),
                s.sent(),
                s.ok(),
                s.errors(),
                s.achievedPerSecond(),
                s.p50Ms(),
                s.p99Ms(),
                s.maxMs(),
                s.peersPerAnswer(),
                s.connects(),
                cpuByRole(p),
                s.ok() == 0 ? 0 : cpu * 1e6 / s.ok(),
                p.generatorCpuSeconds(),
                p.machineBusyCpuSeconds(),
                rssByRole(p)));
        s.errorsByKind()
            .forEach(
                (kind, n) ->
                    errorLines.add(
                        String.format(
                            Locale.ROOT, "- %s, %s: %,d x %s", t.kind(), s.phase(), n, kind)));
      }
    }
    b.append(
            "\nThe tracker's CPU is user+sys of its processes over the phase (ours with Redis: the")
        .append(" JVM + redis-server), from /proc; the generator shares the same cores. Latency is")
        .append(" from when an announce was due (open loop) or sent (max) to the last byte of its")
        .append(" answer.\n\n");
    b.append("Errors by kind: ")
        .append(
            errorLines.isEmpty() ? "none\n\n" : "\n\n" + String.join("\n", errorLines) + "\n\n");
    if (pngName != null) {
      b.append("![announces per second and p99 per target and phase](")
          .append(pngName)
          .append(")\n\n");
    }
    b.append("## Targets (issue 15)\n\n| target | this run | met |\n|---|---|---|\n");
    for (Target t : targets(run)) {
      b.append("| ")
          .append(t.name())
          .append(" | ")
          .append(t.value())
          .append(" | ")
          .append(t.met() == null ? "-" : t.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    Map<String, Object> cost = cost(run);
    if (!cost.isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "\n## Announce cost per host\n\nFrom our tracker's steady phase: a signed announce is"
                  + " %.0f HTTP bytes, its answer %.0f (%.1f peers per answer, numwant %s). A host"
                  + " with %s layers at a %s s interval sends %.0f announces a minute: %,.0f HTTP"
                  + " bytes a minute (%,.0f with a TCP connection per announce, as our agent's"
                  + " client does: + about %d bytes of headers, an estimate). 10,000 such hosts:"
                  + " %,.0f announces/s, %,.0f HTTP bytes/s (%.2f Mbit/s).\n",
              (double) cost.get("request_bytes"),
              (double) cost.get("response_bytes"),
              (double) cost.get("peers_per_answer"),
              cost.get("numwant"),
              cost.get("layers"),
              cost.get("interval_s"),
              (double) cost.get("announces_per_host_per_minute"),
              (double) cost.get("http_bytes_per_host_per_minute"),
              (double) cost.get("with_connection_per_announce_bytes_per_host_per_minute"),
              TCP_BYTES_PER_CONNECTION,
              (double) cost.get("announces_per_second_10k_hosts"),
              (double) cost.get("http_bytes_per_second_10k_hosts"),
              (double) cost.get("http_bytes_per_second_10k_hosts") * 8 / 1e6));
    }
    return b.toString();
  }

  private static String cpuByRole(TrackerBench.PhaseResult p) {
    if (p.cpuSeconds().size() == 1) {
      return String.format(Locale.ROOT, "%.1f", p.trackerCpuSeconds());
    }
    List<String> parts = new ArrayList<>();
    p.cpuSeconds().forEach((role, v) -> parts.add(String.format(Locale.ROOT, "%s %.1f", role, v)));
    return String.format(Locale.ROOT, "%.1f (%s)", p.trackerCpuSeconds(), String.join(", ", parts));
  }

  private static String rssByRole(TrackerBench.PhaseResult p) {
    List<String> parts = new ArrayList<>();
    p.rssMiB()
        .forEach(
            (role, v) ->
                parts.add(
                    String.format(
                        Locale.ROOT, p.rssMiB().size() == 1 ? "%2$.0f" : "%s %.0f", role, v)));
    return String.join(", ", parts);
  }

  // ------------------------------------------------------------------ json

  static Map<String, Object> json(Run run) {
    TrackerBench.Options o = run.options();
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("schema_version", SCHEMA_VERSION);
    j.put("label", o.label());
    j.put("command", run.command());
    j.put("commit", run.commit());
    j.put("date", run.date().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    j.put("cpus", Runtime.getRuntime().availableProcessors());
    j.put("load_average_at_start", run.loadAverage());
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("hosts", o.workload().hosts());
    opts.put("layers", o.workload().layers());
    opts.put("connections", o.workload().connections());
    opts.put("numwant", o.workload().numwant());
    opts.put("steady_rate", o.steadyRate());
    opts.put("steady_s", o.steady().toSeconds());
    opts.put("burst_window_s", o.burstWindow().toSeconds());
    opts.put("max_s", o.max().toSeconds());
    opts.put("interval_s", o.interval().toSeconds());
    opts.put("tracker_java_opts", o.trackerJavaOpts());
    opts.put("connection_per_announce", o.connectionPerAnnounce());
    opts.put("smoke", o.smoke());
    j.put("options", opts);
    List<Object> targets = new ArrayList<>();
    for (TrackerBench.TargetResult t : run.targets()) {
      Map<String, Object> tj = new LinkedHashMap<>();
      tj.put("kind", t.kind());
      tj.put("failure", t.failure());
      tj.put("phases", t.phases());
      targets.add(tj);
    }
    j.put("targets", targets);
    j.put("issue_targets", targets(run));
    j.put("announce_cost", cost(run));
    return j;
  }

  // ------------------------------------------------------------------ plot

  /** Answered/s and p99 per phase, one bar per target; empty when gnuplot is missing or fails. */
  static Optional<Path> plot(Run run, Path png, Path work)
      throws IOException, InterruptedException {
    if (!Commands.installed("gnuplot") || run.targets().isEmpty()) {
      return Optional.empty();
    }
    List<String> kinds = run.targets().stream().map(TrackerBench.TargetResult::kind).toList();
    StringBuilder dat = new StringBuilder("# phase");
    kinds.forEach(k -> dat.append(' ').append(k).append("_rate ").append(k).append("_p99"));
    dat.append('\n');
    for (String phase : List.of("burst", "steady", "max")) {
      dat.append(phase);
      for (String k : kinds) {
        Optional<TrackerBench.PhaseResult> p = phase(run, k, phase);
        dat.append(
            String.format(
                Locale.ROOT,
                " %.1f %.3f",
                p.map(x -> x.load().achievedPerSecond()).orElse(0.0),
                p.map(x -> x.load().p99Ms()).filter(v -> !v.isNaN()).orElse(0.0)));
      }
      dat.append('\n');
    }
    Path datFile = work.resolve("plot.dat");
    Files.writeString(datFile, dat);
    StringBuilder rates = new StringBuilder();
    StringBuilder p99s = new StringBuilder();
    for (int i = 0; i < kinds.size(); i++) {
      String sep = i == 0 ? "plot " : ", ";
      rates
          .append(sep)
          .append(
              String.format("'%s' using %d:xtic(1) title '%s'", datFile, 2 + 2 * i, kinds.get(i)));
      p99s.append(sep)
          .append(
              String.format("'%s' using %d:xtic(1) title '%s'", datFile, 3 + 2 * i, kinds.get(i)));
    }
    String script =
        String.join(
            "\n",
            "set terminal pngcairo size 1100,480 font 'sans,11'",
            "set output '" + png.toAbsolutePath() + "'",
            "set multiplot layout 1,2 title '" + run.options().label() + "'",
            "set style data histograms",
            "set style histogram clustered gap 1",
            "set style fill solid 0.8 border -1",
            "set key top left",
            "set grid ytics",
            "set yrange [0:*]",
            "set title 'announces answered per second'",
            rates.toString(),
            "set title 'p99 latency (ms, log)'",
            "set logscale y",
            "set yrange [*:*]",
            p99s.toString(),
            "unset multiplot",
            "");
    Path gp = work.resolve("plot.gp");
    Files.writeString(gp, script);
    Commands.Result r = Commands.run(Duration.ofSeconds(30), List.of("gnuplot", gp.toString()));
    return r.exitCode() == 0 && Files.exists(png) ? Optional.of(png) : Optional.empty();
  }
}
