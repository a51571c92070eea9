package io.layerswarm.testbed.netns;

import java.util.Arrays;
import java.util.Map;

/**
 * The figures issue 10 asks of one phase (one method at one N), derived from its raw numbers: T in
 * units of S/D, the seed's upload and every host's received bytes in units of S, and the per-host
 * daemon's CPU. NaN where a figure does not apply (no seeder for direct, no daemon per host for
 * direct and cache).
 */
record PhaseFigures(
    double maxOverBound,
    double p50OverBound,
    long seedTxBytes,
    double seedTxOverS,
    double meanRxOverS,
    double maxRxOverS,
    double meanTxOverS,
    double agentCpuPerHost,
    double agentCpuMaxHost) {

  static PhaseFigures of(SwarmBench.PhaseResult p, long imageBytes, double boundSeconds) {
    double s = imageBytes;
    long seedTx = -1;
    if (p.details().get("infra_tx_bytes") instanceof Map<?, ?> infra
        && infra.get("seeder") instanceof Number x) {
      seedTx = x.longValue();
    }
    double[] rx = p.pulls().stream().mapToDouble(h -> h.rxBytes() / s).toArray();
    double[] tx = p.pulls().stream().mapToDouble(h -> h.txBytes() / s).toArray();
    double[] cpu =
        p.pulls().stream()
            .mapToDouble(SwarmBench.HostResult::agentCpuSeconds)
            .filter(d -> !Double.isNaN(d))
            .toArray();
    return new PhaseFigures(
        p.maxSeconds() / boundSeconds,
        p.p50Seconds() / boundSeconds,
        seedTx,
        seedTx < 0 ? Double.NaN : seedTx / s,
        mean(rx),
        Arrays.stream(rx).max().orElse(Double.NaN),
        mean(tx),
        mean(cpu),
        Arrays.stream(cpu).max().orElse(Double.NaN));
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }
}
