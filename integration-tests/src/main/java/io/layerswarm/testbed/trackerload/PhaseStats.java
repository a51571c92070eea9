package io.layerswarm.testbed.trackerload;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the generator saw in one phase: answers, latencies, errors by kind, bytes on the wire (HTTP
 * request and response bytes, without TCP/IP headers). Confined to the generator's event loop while
 * the phase runs; read after it ended.
 */
final class PhaseStats {
  private long[] latencyNanos = new long[1 << 14];
  private int answered;
  private long peersReturned;
  private long sent;
  private long connects;
  private long requestBytes;
  private long responseBytes;
  private final Map<String, Long> errors = new TreeMap<>();
  private final long startNanos;
  private long lastAnswerNanos;

  PhaseStats(long startNanos) {
    this.startNanos = startNanos;
    this.lastAnswerNanos = startNanos;
  }

  void sent() {
    sent++;
  }

  void connected() {
    connects++;
  }

  void bytes(long out, long in) {
    requestBytes += out;
    responseBytes += in;
  }

  /** A good announce answer with {@code peers} compact peers, {@code latency} after it was due. */
  void answered(long latency, int peers, long nowNanos) {
    if (answered == latencyNanos.length) {
      latencyNanos = Arrays.copyOf(latencyNanos, answered * 2);
    }
    latencyNanos[answered++] = latency;
    peersReturned += peers;
    lastAnswerNanos = nowNanos;
  }

  /** A failed announce; {@code kind} is short and has no client input beyond a tracker's reason. */
  void error(String kind, long nowNanos) {
    errors.merge(kind, 1L, Long::sum);
    lastAnswerNanos = nowNanos;
  }

  long completed() {
    return answered + errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The figures, with latency percentiles (nearest rank) in milliseconds. */
  Summary summary(String phase, double offeredPerSecond, long planned) {
    long[] sorted = Arrays.copyOf(latencyNanos, answered);
    Arrays.sort(sorted);
    double seconds = Math.max(1e-9, (lastAnswerNanos - startNanos) / 1e9);
    long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
    return new Summary(
        phase,
        offeredPerSecond,
        planned,
        sent,
        answered,
        errorCount,
        new TreeMap<>(errors),
        seconds,
        answered / seconds,
        percentileMs(sorted, 0.50),
        percentileMs(sorted, 0.99),
        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
        answered == 0 ? 0 : (double) peersReturned / answered,
        connects,
        requestBytes,
        responseBytes);
  }

  static double percentileMs(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  /**
   * One phase against one tracker, as the report shows it.
   *
   * @param offeredPerSecond the open-loop rate; 0 for the closed-loop max phase
   * @param planned announces the phase was to send (max: the bound)
   * @param seconds from the phase's start to its last answer
   * @param achievedPerSecond good answers per second over {@code seconds}
   * @param peersPerAnswer compact peers per good answer, on average
   * @param connects TCP connections the generator opened (a tracker without keep-alive costs one
   *     per announce)
   * @param requestBytes HTTP bytes sent (request line and headers)
   * @param responseBytes HTTP bytes received (status line, headers, body)
   */
  record Summary(
      String phase,
      double offeredPerSecond,
      long planned,
      long sent,
      long ok,
      long errors,
      Map<String, Long> errorsByKind,
      double seconds,
      double achievedPerSecond,
      double p50Ms,
      double p99Ms,
      double maxMs,
      double peersPerAnswer,
      long connects,
      long requestBytes,
      long responseBytes) {}
}
