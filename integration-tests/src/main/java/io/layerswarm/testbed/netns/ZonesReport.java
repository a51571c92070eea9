package io.layerswarm.testbed.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The two-zone part of a swarm-bench report ({@code --zones 2}): the bytes that crossed the link
 * between the zones in each phase, without zones configured ({@code layerswarm-warm}) and with
 * ({@code layerswarm-zones}), and a plot of them against N. Pure apart from the plot.
 */
final class ZonesReport {
  private ZonesReport() {}

  static long crossBytes(SwarmBench.PhaseResult p) {
    return number(p, "cross_zone_bytes_a_to_b") + number(p, "cross_zone_bytes_b_to_a");
  }

  private static long number(SwarmBench.PhaseResult p, String key) {
    return p.details().get(key) instanceof Number n ? n.longValue() : 0;
  }

  private static Optional<SwarmBench.PhaseResult> phase(
      SwarmBench.Result r, int n, SwarmBench.Method method) {
    return r.phases().stream()
        .filter(p -> p.hosts() == n && p.method().equals(method.label))
        .findFirst();
  }

  /** The Markdown section; empty when the run had one zone. */
  static String markdown(SwarmBench.Result r, String pngName) {
    SwarmBench.Options o = r.options();
    if (!o.zoned()) {
      return "";
    }
    double s = r.imageBlobBytes();
    StringBuilder b = new StringBuilder("## Bytes between the zones\n\n");
    if (pngName != null) {
      b.append("![bytes between the zones against N](").append(pngName).append(")\n\n");
    }
    b.append(
        SwarmBenchReport.fmt(
            "Two zones joined by one link capped at %d Mbit/s each way (hosts' links %d Mbit/s):"
                + " origin, tracker, seeder and the odd hosts (h1, h3, ...) in zone A, the even"
                + " hosts in zone B. Bytes are the `tc` counters of the zone link's two ends during"
                + " the pull (frame headers included). `layerswarm-warm`: no zone configured;"
                + " `layerswarm-zones`: `agent.zone`/`seeder.zone` set on every daemon. S = %.1f"
                + " MiB. At best one copy of the image crosses (1.05 × S with framing); zone B's"
                + " hosts alone would otherwise pull (N/2) × S across.%n%n",
            o.crossZoneMbit(), o.rateMbit(), s / 1048576.0));
    b.append(
        "| N | method | A→B MiB | B→A MiB | crossed ÷ S | T max s | T p50 s | all ok |\n"
            + "|---:|---|---:|---:|---:|---:|---:|---|\n");
    TreeSet<Integer> ns = new TreeSet<>(o.hostCounts());
    for (int n : ns) {
      for (SwarmBench.Method m :
          List.of(SwarmBench.Method.LAYERSWARM_WARM, SwarmBench.Method.LAYERSWARM_ZONES)) {
        phase(r, n, m)
            .ifPresent(
                p ->
                    b.append(
                        SwarmBenchReport.fmt(
                            "| %d | %s | %.1f | %.1f | %.2f | %.2f | %.2f | %s |%n",
                            n,
                            m.label,
                            number(p, "cross_zone_bytes_a_to_b") / 1048576.0,
                            number(p, "cross_zone_bytes_b_to_a") / 1048576.0,
                            crossBytes(p) / s,
                            p.maxSeconds(),
                            p.p50Seconds(),
                            p.allOk() ? "yes" : "**no**")));
      }
    }
    b.append('\n');
    return b.toString();
  }

  /** Cross-zone bytes ÷ S against N, one line per method; empty without gnuplot or zones. */
  static Optional<Path> plot(SwarmBench.Result r, Path png, Path workDir) throws IOException {
    if (!r.options().zoned() || !Commands.installed("gnuplot")) {
      return Optional.empty();
    }
    TreeSet<Integer> ns = new TreeSet<>(r.options().hostCounts());
    StringBuilder dat = new StringBuilder("# N, crossed / S: layerswarm-warm layerswarm-zones\n");
    for (int n : ns) {
      dat.append(n);
      for (SwarmBench.Method m :
          List.of(SwarmBench.Method.LAYERSWARM_WARM, SwarmBench.Method.LAYERSWARM_ZONES)) {
        Optional<SwarmBench.PhaseResult> p = phase(r, n, m);
        dat.append(' ')
            .append(
                p.map(
                        x ->
                            SwarmBenchReport.fmt(
                                "%.3f", crossBytes(x) / (double) r.imageBlobBytes()))
                    .orElse("?"));
      }
      dat.append('\n');
    }
    Files.createDirectories(workDir);
    Path datFile = workDir.resolve("zones.dat");
    Path script = workDir.resolve("zones.gp");
    Files.writeString(datFile, dat);
    String gp =
        String.join(
            "\n",
            "set terminal pngcairo size 1000,640 font 'sans,11'",
            "set output '" + png.toAbsolutePath() + "'",
            "set datafile missing '?'",
            SwarmBenchReport.fmt(
                "set title \"Bytes between two zones (link %d Mbit/s, hosts %d Mbit/s), S = %.0f MiB\"",
                r.options().crossZoneMbit(),
                r.options().rateMbit(),
                r.imageBlobBytes() / 1048576.0),
            "set xlabel 'N hosts pulling at once (half in each zone)'",
            "set ylabel 'bytes across the zone link / S'",
            "set xtics ("
                + ns.stream().map(n -> "'" + n + "' " + n).collect(Collectors.joining(", "))
                + ")",
            "set yrange [0:*]",
            "set grid",
            "set key top left",
            SwarmBenchReport.fmt(
                "plot '%s' using 1:2 with linespoints lw 2 pt 7 title 'no zone configured', \\",
                datFile),
            "     '' using 1:3 with linespoints lw 2 pt 5 title 'agent.zone / seeder.zone set', \\",
            "     1.05 with lines dt 3 lw 2 lc rgb 'black' title 'one copy (1.05 x S)'",
            "");
    return SwarmBenchPlot.gnuplot(script, gp, png);
  }
}
