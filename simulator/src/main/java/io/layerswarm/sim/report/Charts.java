package io.layerswarm.sim.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG plots of a sweep: a CDF of completion times per run, and T against N. */
final class Charts {
  private Charts() {}

  /** For each run: the share of hosts done by time T, T in units of S/D. */
  static void cdf(List<RunResult> runs, Path png) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("Completion times")
            .xAxisTitle("T / (S/D)")
            .yAxisTitle("share of hosts done")
            .build();
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisMin(0.0);
    for (RunResult run : runs) {
      double[] t =
          run.hosts().stream()
              .filter(h -> !h.failed() && !Double.isNaN(h.seconds()))
              .mapToDouble(h -> h.seconds() / run.secondsPerImage())
              .sorted()
              .toArray();
      if (t.length == 0) {
        continue;
      }
      double[] x = new double[t.length + 1];
      double[] y = new double[t.length + 1];
      for (int i = 0; i < t.length; i++) {
        x[i + 1] = t[i];
        y[i + 1] = (i + 1.0) / run.scenario().hosts();
      }
      x[0] = t[0];
      XYSeries s = chart.addSeries("N=" + run.scenario().hosts(), x, y);
      s.setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** T (max and p50) against N, in units of S/D, with the targets as lines. */
  static void timeAgainstHosts(List<RunResult> runs, Path png) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("Time to fill N hosts")
            .xAxisTitle("N (hosts)")
            .yAxisTitle("T / (S/D)")
            .build();
    chart.getStyler().setYAxisMin(0.0);
    if (runs.size() > 2) {
      chart.getStyler().setXAxisLogarithmic(maxHosts(runs) / minHosts(runs) >= 50);
    }
    double[] n = runs.stream().mapToDouble(r -> r.scenario().hosts()).toArray();
    double[] max =
        runs.stream().mapToDouble(r -> r.summary().max() / r.secondsPerImage()).toArray();
    double[] p50 =
        runs.stream().mapToDouble(r -> r.summary().p50() / r.secondsPerImage()).toArray();
    chart.addSeries("T max", n, max);
    chart.addSeries("T p50", n, p50);
    double[] one = new double[n.length];
    Arrays.fill(one, 1.0);
    XYSeries ideal = chart.addSeries("S/D", n, one);
    ideal.setMarker(SeriesMarkers.NONE);
    double[] target = new double[n.length];
    Arrays.fill(target, 1.3);
    XYSeries t = chart.addSeries("1.3 x S/D", n, target);
    t.setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static double maxHosts(List<RunResult> runs) {
    return runs.stream().mapToInt(r -> r.scenario().hosts()).max().orElse(1);
  }

  private static double minHosts(List<RunResult> runs) {
    return runs.stream().mapToInt(r -> r.scenario().hosts()).min().orElse(1);
  }

  static List<String> names(List<RunResult> runs) {
    List<String> names = new ArrayList<>();
    runs.forEach(r -> names.add("N=" + r.scenario().hosts()));
    return names;
  }
}
