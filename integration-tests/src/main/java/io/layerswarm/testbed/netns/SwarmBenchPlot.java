package io.layerswarm.testbed.netns;

import static io.layerswarm.testbed.netns.SwarmBenchReport.fmt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The PNG of a {@link SwarmBench.Result}: completion time against N, one line per method, drawn
 * with gnuplot when it is installed.
 */
final class SwarmBenchPlot {
  private SwarmBenchPlot() {}

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
}
