package io.layerswarm.sim.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.layerswarm.core.topology.Location;
import io.layerswarm.sim.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a sweep of runs as Markdown (the tables and the exact command), JSON (every number) and
 * two PNG plots (a CDF of completion times, and T against N).
 */
public final class Report {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(
              new SimpleModule()
                  .addSerializer(Duration.class, ToStringSerializer.instance)
                  // The policy's zone and rack, as "zone=- rack=-".
                  .addSerializer(Location.class, ToStringSerializer.instance))
          .enable(SerializationFeature.INDENT_OUTPUT);

  private final String title;
  private final String command;
  private final Map<String, String> environment;
  private final List<RunResult> runs;

  /**
   * @param command the exact command that made the runs
   * @param environment commit, date, machine load, JVM: printed as they are
   */
  public Report(
      String title, String command, Map<String, String> environment, List<RunResult> runs) {
    this.title = title;
    this.command = command;
    this.environment = new LinkedHashMap<>(environment);
    this.runs = List.copyOf(runs);
  }

  /** Writes {@code base}.md, .json, -cdf.png and -tn.png; returns the Markdown. */
  public String write(Path base) throws IOException {
    Files.createDirectories(base.toAbsolutePath().getParent());
    String name = base.getFileName().toString();
    String markdown = markdown(name);
    Files.writeString(base.resolveSibling(name + ".md"), markdown);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("title", title);
    json.put("command", command);
    json.put("environment", environment);
    json.put("runs", runs);
    JSON.writeValue(base.resolveSibling(name + ".json").toFile(), json);
    Charts.cdf(runs, base.resolveSibling(name + "-cdf.png"));
    Charts.timeAgainstHosts(runs, base.resolveSibling(name + "-tn.png"));
    return markdown;
  }

  String markdown(String name) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append("```sh\n").append(command).append("\n```\n\n");
    environment.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    md.append('\n');
    Scenario s = runs.get(0).scenario();
    md.append(scenario(s, runs.get(0))).append("\n\n");
    md.append(
        "| N | T p50 s | p90 | p99 | max | max ÷ S/D | p50 ÷ S/D | seeder upload ÷ S (max, all) |"
            + " host sent ÷ S | host received ÷ S | wasted ÷ S | origin ÷ S | failed |"
            + " unfinished | events | wall s |\n");
    md.append(
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RunResult r : runs) {
      RunResult.Summary x = r.summary();
      double sd = r.secondsPerImage();
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %.2f | %.2f | %.2f | %.2f | **%.2f** | %.2f | %.2f, %.2f | %.2f | %.2f | %.3f |"
                  + " %.2f | %d | %d | %d | %.1f |\n",
              r.scenario().hosts(),
              x.p50(),
              x.p90(),
              x.p99(),
              x.max(),
              x.max() / sd,
              x.p50() / sd,
              x.seederSentImagesMax(),
              x.seederSentImagesTotal(),
              x.hostSentImagesMean(),
              x.hostReceivedImagesMean(),
              x.wastedImagesMean(),
              r.originBytes() / (double) r.imageBytes(),
              x.failed(),
              x.unfinished(),
              r.stats().events(),
              r.stats().wallSeconds()));
    }
    md.append('\n');
    md.append("![CDF of completion times](").append(name).append("-cdf.png)\n");
    md.append("![T against N](").append(name).append("-tn.png)\n\n");
    md.append(
        "Seeder upload is piece data; host sent and received are bytes on the simulated links"
            + " (peer protocol messages included); wasted is piece data a host received but did"
            + " not need (duplicates, blocks that arrived after their request was withdrawn).\n");
    for (RunResult r : runs) {
      if (r.scenario().hosts() <= 32) {
        md.append("\n### N = ").append(r.scenario().hosts()).append(": every host\n\n");
        md.append("| host | start s | T s | T ÷ S/D | sent ÷ S | received ÷ S | wasted ÷ S |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunResult.HostResult h : r.hosts()) {
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %d | %.2f | %s | %s | %.2f | %.2f | %.3f |\n",
                  h.host(),
                  h.startSeconds(),
                  h.failed() ? "failed" : String.format(Locale.ROOT, "%.2f", h.seconds()),
                  h.failed()
                      ? "-"
                      : String.format(Locale.ROOT, "%.2f", h.seconds() / r.secondsPerImage()),
                  h.sentBytes() / (double) r.imageBytes(),
                  h.receivedBytes() / (double) r.imageBytes(),
                  h.wastedPayload() / (double) r.imageBytes()));
        }
      }
    }
    return md.toString();
  }

  private static String scenario(Scenario s, RunResult r) {
    return String.format(
        Locale.ROOT,
        "S = %,d bytes in %d layers%s; every link %s both ways, %s one-way latency per host;"
            + " S/D = %.2f s. %d seeder(s), %s. Arrivals within %s; %.0f%% of hosts fail."
            + " %s blobs at once per host, each read in order as it streams; pieces of %s, blocks of"
            + " %s. %s"
            + " A client starts %s before its first request. An agent %s. Seed %d. Policy: %s;"
            + " seeders: %s. Network: %s, %.4f wire bytes per payload byte.",
        r.imageBytes(),
        s.layerBytes().size(),
        s.configBytes() > 0 ? " + a " + s.configBytes() + "-byte config" : "",
        rate(s.linkBitsPerSecond()),
        s.latency(),
        r.secondsPerImage(),
        s.seeders(),
        s.preheated() ? "pre-heated" : "cold, behind an origin of " + rate(s.originBitsPerSecond()),
        s.arrivalWindow(),
        s.failFraction() * 100,
        s.concurrentLayers() >= s.layerBytes().size() + 1 ? "All" : s.concurrentLayers(),
        s.pieceLength() == 0 ? "the seeder's length" : s.pieceLength() + " bytes",
        s.blockSize() == 0 ? "a whole piece" : s.blockSize() + " bytes",
        s.inlineMaxBytes() > 0
            ? "Blobs up to " + s.inlineMaxBytes() + " bytes come inside their metainfo answer."
            : "Every blob goes through a swarm.",
        s.clientStart(),
        s.reseedRestarts()
            ? "replaces a finished download by a new seed torrent"
            : "keeps a finished download's torrent as its seed (as the agent does)",
        s.seed(),
        s.policy(),
        s.seederPolicy().equals(s.policy()) ? "the same" : s.seederPolicy(),
        s.network(),
        s.wireOverhead());
  }

  private static String rate(long bitsPerSecond) {
    return bitsPerSecond >= 1_000_000_000
        ? String.format(Locale.ROOT, "%.0f Gbit/s", bitsPerSecond / 1e9)
        : String.format(Locale.ROOT, "%.0f Mbit/s", bitsPerSecond / 1e6);
  }
}
