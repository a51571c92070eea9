package io.layerswarm.sim.net;

/**
 * How a {@link Network} trades exactness for speed. Both approximations are off in {@link #EXACT}
 * and small in {@link #DEFAULT}; the tests that bound them are named in each parameter.
 *
 * @param rateSpread a rate change smaller than this fraction of a flow's rate is not followed into
 *     the rest of the network ({@code [0, 1)}; 0 is exact). Bounded in {@code
 *     MaxMinSolverPropertyTest}: every rate within 5 times this of its exact max-min value, the
 *     total within once this, and no resource over capacity.
 * @param expressBytes a message of at most this many bytes that starts on an idle direction is sent
 *     outside the max-min solver, at the share it would get if it joined (the lowest capacity ÷
 *     (flows + 1) on its path), so control messages cost no recomputation ({@code >= 0}; 0 is
 *     exact). Its bytes are not taken from the other flows. Bounded in {@code NetworkPropertyTest}.
 */
public record NetworkOptions(double rateSpread, long expressBytes) {
  /** No approximation: rates are max-min fair up to rounding, every message is a flow. */
  public static final NetworkOptions EXACT = new NetworkOptions(0, 0);

  /**
   * For large runs: rate changes below 1% are not followed, and messages up to 256 bytes (every
   * BitTorrent control message, and the bitfield of up to 2,000 pieces) are sent express. Measured
   * with {@code SyntheticLoadBenchmark} (2,000 hosts, 50 MB each, 17-byte requests): 6 times less
   * solver work than exact rates, and the 10th, 50th and 90th percentile and the maximum of the
   * hosts' completion times within 0.4%, 0.2%, 0.1% and 0.8% of the exact run's.
   */
  public static final NetworkOptions DEFAULT = new NetworkOptions(1e-2, 256);

  public NetworkOptions {
    if (!(rateSpread >= 0 && rateSpread < 1)) {
      throw new IllegalArgumentException("rateSpread must be in [0, 1): " + rateSpread);
    }
    LinkSpec.requireNotNegative("expressBytes", expressBytes);
  }
}
