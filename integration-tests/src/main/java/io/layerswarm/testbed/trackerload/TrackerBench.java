package io.layerswarm.testbed.trackerload;

import io.layerswarm.testbed.netns.ProcCpu;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the phases against each tracker in turn, on loopback, and measures each tracker's processes
 * from {@code /proc} around every phase: burst (every host announces {@code started} for every
 * layer within the burst window), steady (regular announces at the target rate) and max (closed
 * loop). Each tracker is fresh: started before its burst, stopped after its max phase.
 */
final class TrackerBench {

  /** The run's settings; {@link TrackerBenchMain} parses them. */
  record Options(
      Workload workload,
      List<String> targets,
      double steadyRate,
      Duration steady,
      Duration burstWindow,
      Duration max,
      long maxCount,
      Duration interval,
      Duration requestTimeout,
      String trackerJavaOpts,
      Path dist,
      Path work,
      Path results,
      String label,
      boolean connectionPerAnnounce,
      boolean smoke) {}

  /**
   * One phase against one tracker: what the generator saw, plus the CPU-seconds and the resident
   * memory at the phase's end of each process the tracker consists of, the generator's own CPU and
   * the whole machine's busy CPU over the phase.
   */
  record PhaseResult(
      PhaseStats.Summary load,
      Map<String, Double> cpuSeconds,
      Map<String, Double> rssMiB,
      double generatorCpuSeconds,
      double machineBusyCpuSeconds) {

    /** CPU-seconds of the tracker's processes together (ours with Redis: both). */
    double trackerCpuSeconds() {
      return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /** All phases against one tracker; {@code failure} says why it could not run, if so. */
  record TargetResult(
      String kind, Map<String, Long> pids, List<PhaseResult> phases, String failure) {}

  private final Options o;
  private final PrintStream out;

  TrackerBench(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  List<TargetResult> run() throws InterruptedException {
    List<TargetResult> results = new ArrayList<>();
    for (String kind : o.targets()) {
      results.add(runOne(kind));
    }
    return results;
  }

  private TargetResult runOne(String kind) throws InterruptedException {
    out.printf("== %s%n", kind);
    Workload w = o.workload();
    TrackerUnderTest tracker;
    try {
      tracker =
          TrackerUnderTest.start(
              kind, o.dist(), o.work().resolve(kind), o.trackerJavaOpts(), o.interval(), w);
    } catch (IOException | RuntimeException e) {
      out.printf("   could not start %s: %s%n", kind, e.getMessage());
      return new TargetResult(kind, Map.of(), List.of(), "could not start: " + e.getMessage());
    }
    List<PhaseResult> phases = new ArrayList<>();
    try (tracker;
        LoadGenerator gen =
            new LoadGenerator(
                w,
                tracker.address(),
                tracker.signature(),
                o.requestTimeout(),
                !o.connectionPerAnnounce() && !kind.equals("opentracker"))) {
      Map<String, Long> pids = tracker.processes();
      out.printf("   started %s on %s%n", pids, tracker.address());
      long burstCount = (long) w.hosts() * w.layers();
      double burstRate = burstCount / (o.burstWindow().toMillis() / 1000.0);
      phases.add(
          measure(
              pids,
              () ->
                  gen.openLoop(
                      "burst",
                      i ->
                          new LoadGenerator.Pending(
                              (int) (i % w.hosts()), (int) (i / w.hosts()), true, 0),
                      burstCount,
                      burstRate,
                      o.burstWindow().plus(o.requestTimeout()).plusSeconds(60))));
      long steadyCount = (long) (o.steadyRate() * o.steady().toMillis() / 1000.0);
      phases.add(
          measure(
              pids,
              () ->
                  gen.openLoop(
                      "steady",
                      i ->
                          new LoadGenerator.Pending(
                              (int) (i % w.hosts()),
                              (int) ((i / w.hosts()) % w.layers()),
                              false,
                              0),
                      steadyCount,
                      o.steadyRate(),
                      o.steady().plus(o.requestTimeout()).plusSeconds(5))));
      phases.add(measure(pids, () -> gen.closedLoop("max", o.maxCount(), o.max())));
      return new TargetResult(kind, pids, phases, null);
    } catch (Exception e) {
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      out.printf("   %s failed: %s%n", kind, e);
      return new TargetResult(kind, tracker.processes(), phases, e.toString());
    }
  }

  @FunctionalInterface
  private interface PhaseRun {
    PhaseStats.Summary run() throws Exception;
  }

  private PhaseResult measure(Map<String, Long> pids, PhaseRun phase) throws Exception {
    long self = ProcessHandle.current().pid();
    Map<String, Double> cpu0 = cpu(pids);
    double gen0 = ProcCpu.seconds(self).orElse(0);
    ProcCpu.Machine m0 = ProcCpu.machine();
    PhaseStats.Summary s = phase.run();
    ProcCpu.Machine m1 = ProcCpu.machine();
    double gen1 = ProcCpu.seconds(self).orElse(0);
    Map<String, Double> cpu1 = cpu(pids);
    Map<String, Double> delta = new LinkedHashMap<>();
    cpu1.forEach((role, v) -> delta.put(role, v - cpu0.getOrDefault(role, 0.0)));
    Map<String, Double> rss = new LinkedHashMap<>();
    pids.forEach((role, pid) -> rss.put(role, rssMiB(pid)));
    PhaseResult r = new PhaseResult(s, delta, rss, gen1 - gen0, m1.busySecondsSince(m0));
    out.printf(
        "   %-6s %8d ok %6d errors %9.0f/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms  tracker"
            + " CPU %.1f s, generator CPU %.1f s, RSS MiB %s%s%n",
        s.phase(),
        s.ok(),
        s.errors(),
        s.achievedPerSecond(),
        s.p50Ms(),
        s.p99Ms(),
        s.maxMs(),
        r.trackerCpuSeconds(),
        r.generatorCpuSeconds(),
        rss.entrySet().stream().map(e -> e.getKey() + " " + Math.round(e.getValue())).toList(),
        s.errorsByKind().isEmpty() ? "" : " " + s.errorsByKind());
    return r;
  }

  private static Map<String, Double> cpu(Map<String, Long> pids) {
    Map<String, Double> out = new LinkedHashMap<>();
    pids.forEach((role, pid) -> out.put(role, ProcCpu.seconds(pid).orElse(Double.NaN)));
    return out;
  }

  /** VmRSS of a live process in MiB; NaN when it is gone. */
  static double rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return Double.NaN;
  }
}
