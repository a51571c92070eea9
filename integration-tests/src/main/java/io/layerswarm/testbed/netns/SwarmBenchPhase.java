package io.layerswarm.testbed.netns;

import static io.layerswarm.testbed.netns.SwarmBench.AGENT_PORT;
import static io.layerswarm.testbed.netns.SwarmBench.REPOSITORY;
import static io.layerswarm.testbed.netns.SwarmBench.TAG;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.netns.SwarmBench.HostResult;
import io.layerswarm.testbed.netns.SwarmBench.Method;
import io.layerswarm.testbed.netns.SwarmBench.Options;
import io.layerswarm.testbed.netns.SwarmBench.PhaseResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One phase of the swarm benchmark: one method at one N. Starts the method's daemons, pulls on all
 * N hosts at one instant, and measures completion times, origin and link bytes, and CPU in the
 * timed window. The daemons stop at the end of the phase; the network and origin stay.
 */
final class SwarmBenchPhase {
  private final Bed bed;
  private final Options options;
  private final PrintStream say;
  private final NetnsTopology topology;
  private final NetnsRegistry origin;
  private final Set<String> expected;
  private final long imageBlobBytes;
  private final String manifestDigest;
  private final Aria2Swarm aria2;
  private final LayerSwarmNodes layerswarm;

  /**
   * @param aria2 null unless the run has the aria2c method
   */
  SwarmBenchPhase(Bed bed, String manifestDigest, Aria2Swarm aria2, LayerSwarmNodes layerswarm) {
    this.bed = bed;
    this.options = bed.options();
    this.say = bed.say();
    this.topology = bed.topology();
    this.origin = bed.origin();
    this.expected = bed.expected();
    this.imageBlobBytes = bed.imageBlobBytes();
    this.manifestDigest = manifestDigest;
    this.aria2 = aria2;
    this.layerswarm = layerswarm;
  }

  /** Starts {@code method}'s daemons on {@code n} hosts, pulls on all at once, and measures. */
  PhaseResult run(Method method, int n) throws Exception {
    Path dir = options.workDir().resolve("n" + n).resolve(method.label);
    Files.createDirectories(dir);
    List<NetnsTopology.Host> hosts = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      hosts.add(topology.host("h" + i));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    try (Started started = new Started()) {
      List<BarrierPull.Target> targets;
      double setupCpu = 0;
      try {
        targets =
            switch (method) {
              case DIRECT ->
                  hosts.stream().map(h -> new BarrierPull.Target(h, origin.hostPort())).toList();
              case CACHE -> CacheTree.start(bed, n, hosts, dir, started, details);
              case LAYERSWARM -> layerswarm.start(bed, hosts, dir, started, details, false, false);
              case LAYERSWARM_WARM ->
                  layerswarm.start(bed, hosts, dir, started, details, true, false);
              case LAYERSWARM_ZONES ->
                  layerswarm.start(bed, hosts, dir, started, details, true, true);
              case ARIA2C -> {
                aria2.startInfra(
                    topology.host("tracker"),
                    topology.host("seeder"),
                    dir,
                    options.nice(),
                    started,
                    details);
                yield List.of();
              }
            };
      } catch (Exception e) {
        say.println("   setup failed: " + e.getMessage());
        return failed(method, n, "setup failed: " + e.getMessage(), details);
      }
      Map<String, Double> cpuBefore = started.cpu();
      Map<String, Double> hostCpuBefore = started.cpuByHost();
      setupCpu = cpuBefore.values().stream().mapToDouble(Double::doubleValue).sum();
      double originCpuBefore = origin.cpuSeconds().orElse(0);
      long mark = origin.logMark();
      NetnsTopology.Host originHost = topology.host("origin");
      long originTxBefore = topology.txBytes(originHost);
      Map<String, long[]> linksBefore = links(hosts, started);
      long[] crossBefore = topology.crossZoneBytes();
      ProcCpu.Machine machineBefore = ProcCpu.machine();
      double load = ProcCpu.loadAverage();
      Map<String, Double> threadsBefore = AgentInside.threadCpu(started.pids("agents"));
      List<Map<String, Double>> threadsAfter = new ArrayList<>();

      ProcCpu.Machine[] machineAfterBox = new ProcCpu.Machine[1];
      List<Map<String, Double>> cpuAfterBox = new ArrayList<>();
      double[] originCpuBox = new double[1];
      // The pull window ends here: before the pulled images are verified (sha256 of everything),
      // and for aria2c while its processes still seed.
      Runnable windowEnd =
          () -> {
            machineAfterBox[0] = ProcCpu.machine();
            cpuAfterBox.add(started.cpu());
            cpuAfterBox.add(started.cpuByHost());
            threadsAfter.add(AgentInside.threadCpu(started.pids("agents")));
            originCpuBox[0] = origin.cpuSeconds().orElse(0);
          };
      List<BarrierPull.Result> pulls =
          method == Method.ARIA2C
              ? aria2.pull(
                  hosts, dir, pullTimeout(n), options.nice(), options.keep(), started, windowEnd)
              : BarrierPull.run(
                  targets,
                  REPOSITORY,
                  TAG,
                  manifestDigest,
                  expected,
                  dir,
                  pullTimeout(n),
                  options.keep(),
                  options.layout(),
                  options.nice(),
                  windowEnd);
      ProcCpu.Machine machineAfter = machineAfterBox[0];
      Map<String, Double> cpuAfter = cpuAfterBox.get(0);
      Map<String, Double> cpuByHost = new LinkedHashMap<>();
      cpuAfterBox
          .get(1)
          .forEach((h, sec) -> cpuByHost.put(h, sec - hostCpuBefore.getOrDefault(h, 0.0)));
      double originCpu = originCpuBox[0] - originCpuBefore;
      AccessLog served = bed.settledBlobLog(mark);
      long originTx = topology.txBytes(originHost) - originTxBefore;
      Map<String, long[]> linksAfter = links(hosts, started);
      if (topology.zoned()) {
        long[] crossAfter = topology.crossZoneBytes();
        details.put("cross_zone_bytes_a_to_b", crossAfter[0] - crossBefore[0]);
        details.put("cross_zone_bytes_b_to_a", crossAfter[1] - crossBefore[1]);
      }

      Map<String, Double> cpuByRole = new LinkedHashMap<>();
      boolean skopeo = method != Method.ARIA2C;
      double skopeoCpu =
          pulls.stream().mapToDouble(p -> Double.isNaN(p.cpuSeconds()) ? 0 : p.cpuSeconds()).sum();
      if (skopeo) {
        cpuByRole.put("skopeo", skopeoCpu);
      }
      cpuByRole.put("origin", originCpu);
      cpuAfter.forEach((role, s) -> cpuByRole.put(role, s - cpuBefore.getOrDefault(role, 0.0)));
      double cpuPull = cpuByRole.values().stream().mapToDouble(Double::doubleValue).sum();

      List<HostResult> hostResults = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        BarrierPull.Result p = pulls.get(i);
        NetnsTopology.Host h = hosts.get(i);
        long[] b = linksBefore.get(h.name());
        long[] a = linksAfter.get(h.name());
        hostResults.add(
            new HostResult(
                h.name(),
                h.ip(),
                p.source(),
                p.seconds(),
                p.ok(),
                p.error(),
                p.cpuSeconds(),
                cpuByHost.getOrDefault(h.name(), Double.NaN),
                a[0] - b[0],
                a[1] - b[1]));
      }
      // Links of the method's own infrastructure hosts (seeder, caches): how much they uploaded.
      Map<String, Long> infraTx = new LinkedHashMap<>();
      for (String name : linksAfter.keySet()) {
        if (!name.startsWith("h")) {
          infraTx.put(name, linksAfter.get(name)[1] - linksBefore.get(name)[1]);
        }
      }
      if (!infraTx.isEmpty()) {
        details.put("infra_tx_bytes", infraTx);
      }
      details.put(
          "origin_blob_gets_by_agent_gets",
          served.byUserAgentPrefix("layerswarm-agent/").blobDownloads().size());
      boolean allOk = pulls.stream().allMatch(BarrierPull.Result::ok);
      double[] times = pulls.stream().mapToDouble(BarrierPull.Result::seconds).toArray();
      String error =
          pulls.stream()
              .filter(p -> !p.ok())
              .map(p -> p.host() + ": " + p.error())
              .findFirst()
              .orElse(null);
      if (method == Method.LAYERSWARM
          || method == Method.LAYERSWARM_WARM
          || method == Method.LAYERSWARM_ZONES) {
        details.put("agent_log_warnings", LayerSwarmNodes.countWarnings(dir));
        details.put("agent_payload_bytes", AgentInside.peerPayload(hosts, AGENT_PORT));
        details.put(
            "agent_cpu_by_thread", AgentInside.perAgent(threadsBefore, threadsAfter.get(0), n));
      }
      return new PhaseResult(
          method.label,
          n,
          hostResults,
          allOk,
          percentile(times, 50),
          max(times),
          served.totalBlobBytesSent(),
          served.blobDownloads().size(),
          served.blobBytesByUserAgent(),
          originTx,
          cpuPull,
          setupCpu,
          cpuByRole,
          cpuByHost,
          machineAfter.busySecondsSince(machineBefore),
          load,
          error,
          details);
    }
  }

  private PhaseResult failed(Method method, int n, String error, Map<String, Object> details) {
    return new PhaseResult(
        method.label,
        n,
        List.of(),
        false,
        Double.NaN,
        Double.NaN,
        0,
        0,
        Map.of(),
        0,
        0,
        0,
        Map.of(),
        Map.of(),
        0,
        ProcCpu.loadAverage(),
        error,
        details);
  }

  /** {rx, tx} of each measured host and of the method's infrastructure hosts. */
  private Map<String, long[]> links(List<NetnsTopology.Host> hosts, Started started)
      throws IOException, InterruptedException {
    Map<String, long[]> out = new LinkedHashMap<>();
    List<NetnsTopology.Host> all = new ArrayList<>(hosts);
    for (String role : started.roles()) {
      if (role.equals("seeder") || role.equals("tracker")) {
        all.add(topology.host(role));
      }
      if (role.equals("caches")) {
        for (int j = 1; j <= started.count(role); j++) {
          all.add(topology.host("c" + j));
        }
      }
    }
    for (NetnsTopology.Host h : all) {
      out.put(h.name(), new long[] {topology.rxBytes(h), topology.txBytes(h)});
    }
    return out;
  }

  private Duration pullTimeout(int n) {
    double bound = imageBlobBytes * 8.0 / options.rateBitsPerSecond();
    return Duration.ofSeconds((long) Math.min(1800, 120 + 4 * n * bound));
  }

  // ---------------------------------------------------------------- statistics

  static double percentile(double[] values, int p) {
    double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    if (v.length < values.length) {
      return Double.NaN; // a failed host has no completion time: the phase has none either
    }
    double rank = p / 100.0 * (v.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return v[lo] + (v[hi] - v[lo]) * (rank - lo);
  }

  static double max(double[] values) {
    double m = Double.NEGATIVE_INFINITY;
    for (double d : values) {
      if (Double.isNaN(d)) {
        return Double.NaN;
      }
      m = Math.max(m, d);
    }
    return values.length == 0 ? Double.NaN : m;
  }
}
