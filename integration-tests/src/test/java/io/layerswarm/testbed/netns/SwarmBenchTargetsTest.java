package io.layerswarm.testbed.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.netns.SwarmBenchReport.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmBenchTargetsTest {

  static final long S = 32L << 20;
  static final long RATE = 20_000_000L;
  static final double BOUND = S * 8.0 / RATE;

  @TempDir Path dir;

  @Test
  void figuresPutTheSeedsUploadAndEveryHostsBytesInUnitsOfS() throws IOException {
    SwarmBench.PhaseResult p = phase("aria2c", 2, 1.0, 1.5, 0.5);

    PhaseFigures f = PhaseFigures.of(p, S, BOUND);

    assertThat(f.seedTxOverS()).isEqualTo(1.5);
    assertThat(f.meanRxOverS()).isCloseTo(1.15, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(f.maxRxOverS()).isCloseTo(1.2, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(f.agentCpuPerHost()).isCloseTo(0.55, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(f.agentCpuMaxHost()).isEqualTo(0.6);
    assertThat(f.maxOverBound()).isEqualTo(1.0);
  }

  @Test
  void aRunThatMeetsEveryNetnsTargetSaysSo() throws IOException {
    List<SwarmBench.PhaseResult> phases = new ArrayList<>();
    for (int n : new int[] {4, 8, 16}) {
      phases.add(phase("layerswarm-warm", n, 1.2 + n / 100.0, 1.4, 1.5));
      phases.add(phase("layerswarm", n, 2.0 + n / 100.0, 1.4, 1.5));
      phases.add(phase("aria2c", n, 2.0, 2.0, 0.1));
    }

    List<Target> targets = SwarmBenchTargets.of(result(phases));

    assertThat(targets)
        .allSatisfy(t -> assertThat(t.met()).as(t.name() + ": " + t.value()).isTrue());
    assertThat(targets).hasSize(9);
  }

  @Test
  void aria2cFasterAtOneNFailsTheRaceAndNamesThatN() throws IOException {
    List<SwarmBench.PhaseResult> phases = new ArrayList<>();
    phases.add(phase("layerswarm-warm", 4, 1.2, 1.4, 1.5));
    phases.add(phase("aria2c", 4, 1.5, 1.4, 0.1));
    phases.add(phase("layerswarm-warm", 8, 2.0, 1.4, 1.5));
    phases.add(phase("aria2c", 8, 1.9, 1.4, 0.1));

    Target race = find(SwarmBenchTargets.of(result(phases)), "faster than aria2c");

    assertThat(race.met()).isFalse();
    assertThat(race.value()).contains("N=8").contains("✗");
  }

  @Test
  void agentCpuThatGrowsWithNFailsEvenUnderTheBudget() throws IOException {
    List<SwarmBench.PhaseResult> phases = new ArrayList<>();
    phases.add(phase("layerswarm-warm", 4, 1.2, 1.4, 1.0));
    phases.add(phase("layerswarm-warm", 16, 1.2, 1.4, 1.5));

    Target cpu = find(SwarmBenchTargets.of(result(phases)), "agent CPU per host");

    assertThat(cpu.met()).isFalse();
  }

  @Test
  void targetsOfPhasesThisRunDidNotMeasureAreUnknown() throws IOException {
    List<Target> targets = SwarmBenchTargets.of(result(List.of(phase("direct", 4, 4.0, 0, 0))));

    assertThat(targets).allSatisfy(t -> assertThat(t.met()).as(t.name()).isNull());
  }

  private static Target find(List<Target> targets, String part) {
    return targets.stream().filter(t -> t.name().contains(part)).findFirst().orElseThrow();
  }

  /**
   * Every host takes T = {@code overBound} × S/D; host i receives (1 + i/10) × S; the seeder sends
   * {@code seedOverS} × S; every host's daemon uses {@code cpu} (+ i/10 for hosts after the first).
   */
  private static SwarmBench.PhaseResult phase(
      String method, int n, double overBound, double seedOverS, double cpu) {
    List<SwarmBench.HostResult> hosts = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      double c = i == 1 ? cpu : cpu + 0.1;
      hosts.add(
          new SwarmBench.HostResult(
              "h" + i,
              "10.201.0." + (100 + i),
              method,
              overBound * BOUND,
              true,
              null,
              Double.NaN,
              method.equals("direct") ? Double.NaN : (n > 2 ? cpu : c),
              (long) ((1 + i / 10.0) * S),
              S / 2));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    if (seedOverS > 0) {
      details.put("infra_tx_bytes", Map.of("seeder", (long) (seedOverS * S)));
    }
    if (method.equals("layerswarm-warm")) {
      details.put("prewarm_origin_blob_bytes", S);
    }
    return phaseResult(
        method, n, hosts, overBound * BOUND, method.equals("layerswarm") ? S : 0, details);
  }

  /** A phase where every host got the image at {@code seconds}, with these details. */
  static SwarmBench.PhaseResult phaseResult(
      String method,
      int n,
      List<SwarmBench.HostResult> hosts,
      double seconds,
      long originBlobBytes,
      Map<String, Object> details) {
    return new SwarmBench.PhaseResult(
        method,
        n,
        hosts,
        true,
        seconds,
        seconds,
        originBlobBytes,
        4,
        Map.of(),
        S,
        1,
        1,
        Map.of(),
        Map.of(),
        1,
        0.5,
        null,
        details);
  }

  private SwarmBench.Result result(List<SwarmBench.PhaseResult> phases) throws IOException {
    Path launcher = Files.createDirectories(dir.resolve("bin")).resolve("layerswarm");
    Files.writeString(launcher, "#!/bin/sh\n");
    launcher.toFile().setExecutable(true);
    SwarmBench.Options o =
        new SwarmBench.Options(
            false,
            List.of(4, 8, 16),
            S,
            4,
            RATE / 1_000_000,
            4,
            List.of(SwarmBench.Method.LAYERSWARM_WARM, SwarmBench.Method.ARIA2C),
            dir,
            dir,
            null,
            "test",
            "bench/swarm-bench",
            "-Xmx192m",
            "lsb-1",
            Duration.ofHours(1),
            false,
            1,
            BarrierPull.Layout.OCI,
            0,
            0,
            System.out);
    Instant now = Instant.EPOCH;
    return new SwarmBench.Result(
        o, now, now, "sha256:m", List.of(), List.of(), List.of(), S, Map.of(), phases, List.of());
  }
}
