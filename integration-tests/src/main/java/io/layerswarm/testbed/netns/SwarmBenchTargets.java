package io.layerswarm.testbed.netns;

import static io.layerswarm.testbed.netns.SwarmBenchReport.fmt;

import io.layerswarm.testbed.netns.SwarmBenchReport.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The netns targets of issue 10, evaluated on one run: reported, never enforced. A target whose
 * phases this run did not measure is {@code met = null}.
 */
final class SwarmBenchTargets {

  static final String WARM = "layerswarm-warm";
  static final String COLD = "layerswarm";
  static final String ARIA2C = "aria2c";

  /** The CPU budget: 2 CPU-seconds per host for a 32 MiB image, scaled with S here. */
  static final double CPU_PER_HOST_32MIB = 2.0;

  private SwarmBenchTargets() {}

  static List<Target> of(SwarmBench.Result r) {
    double bound = r.lowerBoundSeconds();
    long s = r.imageBlobBytes();
    Map<Integer, SwarmBench.PhaseResult> warm = byN(r, WARM);
    Map<Integer, SwarmBench.PhaseResult> cold = byN(r, COLD);
    Map<Integer, SwarmBench.PhaseResult> aria = byN(r, ARIA2C);
    List<Target> out = new ArrayList<>();

    SwarmBench.PhaseResult w16 = warm.get(16);
    out.add(
        w16 == null
            ? new Target("T(16) ≤ 1.5 × S/D, seeder pre-heated", "N=16 not measured", null)
            : new Target(
                "T(16) ≤ 1.5 × S/D, seeder pre-heated",
                fmt("%.2f s = %.2f × S/D", w16.maxSeconds(), w16.maxSeconds() / bound),
                w16.maxSeconds() / bound <= 1.5));

    List<SwarmBench.PhaseResult> flat =
        warm.values().stream().filter(p -> p.hosts() >= 4 && p.hosts() <= 16).toList();
    if (flat.size() >= 2) {
      double lo = flat.stream().mapToDouble(SwarmBench.PhaseResult::maxSeconds).min().orElseThrow();
      double hi = flat.stream().mapToDouble(SwarmBench.PhaseResult::maxSeconds).max().orElseThrow();
      out.add(
          new Target(
              "T flat within 20% from N=4 to N=16, seeder pre-heated",
              fmt(
                  "T max from %.2f to %.2f s over N=%s: max/min = %.2f",
                  lo,
                  hi,
                  flat.stream().map(p -> "" + p.hosts()).collect(Collectors.joining(",")),
                  hi / lo),
              hi / lo <= 1.2));
    } else {
      out.add(
          new Target(
              "T flat within 20% from N=4 to N=16, seeder pre-heated",
              "fewer than two N in 4..16", null));
    }

    out.add(
        everyN(
            "seeder uploads ≤ 1.5 × S, seeder pre-heated",
            warm,
            p -> figures(r, p).seedTxOverS(),
            "%.2f × S",
            x -> x <= 1.5));

    List<String> race = new ArrayList<>();
    Boolean faster = null;
    for (int n : new TreeMap<>(warm).keySet()) {
      SwarmBench.PhaseResult a = aria.get(n);
      if (a == null) {
        continue;
      }
      double ls = warm.get(n).maxSeconds();
      boolean ok = ls < a.maxSeconds();
      race.add(fmt("N=%d: %.2f vs %.2f s%s", n, ls, a.maxSeconds(), ok ? "" : " ✗"));
      faster = (faster == null || faster) && ok;
    }
    out.add(
        new Target(
            "LayerSwarm (pre-heated) faster than aria2c at every N",
            race.isEmpty() ? "no N with both methods" : String.join("; ", race),
            faster));

    SwarmBench.PhaseResult c16 = cold.get(16);
    if (c16 != null && w16 != null) {
      double gap = (c16.maxSeconds() - w16.maxSeconds()) / bound;
      out.add(
          new Target(
              "T_cold(16) − T_warm(16) ≤ 1.2 × S/D",
              fmt("%.2f − %.2f s = %.2f × S/D", c16.maxSeconds(), w16.maxSeconds(), gap),
              gap <= 1.2));
    } else {
      out.add(new Target("T_cold(16) − T_warm(16) ≤ 1.2 × S/D", "N=16 not measured", null));
    }

    double budget = CPU_PER_HOST_32MIB * s / (32.0 * 1024 * 1024);
    for (String method : List.of(WARM, COLD)) {
      Map<Integer, SwarmBench.PhaseResult> ls = byN(r, method);
      String name =
          fmt(
              "agent CPU per host does not grow with N (last ≤ 1.2 × first) and ≤ %.2f CPU-s at N=16"
                  + " (2 per 32 MiB), %s",
              budget, method.equals(WARM) ? "seeder pre-heated" : "cold seeder");
      List<SwarmBench.PhaseResult> ps = ls.values().stream().filter(p -> p.hosts() >= 4).toList();
      if (ps.size() < 2 || !ls.containsKey(16)) {
        out.add(new Target(name, "needs N=16 and another N ≥ 4", null));
        continue;
      }
      double first = figures(r, ps.get(0)).agentCpuPerHost();
      double last = figures(r, ps.get(ps.size() - 1)).agentCpuPerHost();
      double at16 = figures(r, ls.get(16)).agentCpuPerHost();
      out.add(
          new Target(
              name,
              ps.stream()
                  .map(p -> fmt("N=%d: %.2f", p.hosts(), figures(r, p).agentCpuPerHost()))
                  .collect(Collectors.joining("; ")),
              last <= 1.2 * first && at16 <= budget));
    }

    for (String method : List.of(WARM, COLD)) {
      out.add(
          everyN(
              fmt(
                  "origin egress ≤ 1.05 × S × R (R = 1), %s",
                  method.equals(WARM) ? "seeder pre-heated" : "cold seeder"),
              byN(r, method),
              p -> SwarmBenchReport.originBlobBytesWithPrewarm(p) / (double) s,
              "%.3f × S",
              x -> x <= 1.05));
    }
    return out;
  }

  private static Target everyN(
      String name,
      Map<Integer, SwarmBench.PhaseResult> phases,
      ToDoubleFunction<SwarmBench.PhaseResult> value,
      String format,
      java.util.function.DoublePredicate ok) {
    List<String> parts = new ArrayList<>();
    Boolean all = null;
    for (SwarmBench.PhaseResult p : new TreeMap<>(phases).values()) {
      double v = value.applyAsDouble(p);
      if (Double.isNaN(v)) {
        continue;
      }
      boolean good = ok.test(v);
      parts.add(fmt("N=%d: " + format + "%s", p.hosts(), v, good ? "" : " ✗"));
      all = (all == null || all) && good;
    }
    return new Target(name, parts.isEmpty() ? "not measured" : String.join("; ", parts), all);
  }

  static PhaseFigures figures(SwarmBench.Result r, SwarmBench.PhaseResult p) {
    return PhaseFigures.of(p, r.imageBlobBytes(), r.lowerBoundSeconds());
  }

  static Map<Integer, SwarmBench.PhaseResult> byN(SwarmBench.Result r, String method) {
    Map<Integer, SwarmBench.PhaseResult> out = new TreeMap<>();
    r.phases().stream()
        .filter(p -> p.method().equals(method) && !Double.isNaN(p.maxSeconds()))
        .forEach(p -> out.put(p.hosts(), p));
    return out;
  }
}
