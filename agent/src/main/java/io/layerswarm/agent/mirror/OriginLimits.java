package io.layerswarm.agent.mirror;

import java.time.Duration;

/**
 * How slow a blob body from the origin may be before the agent gives up on it: every {@code
 * stallTimeout} must bring at least {@code minBytesPerSecond} times its length (and one byte), or
 * the copy fails and the response ends ({@code agent.origin-timeout}, {@code
 * agent.origin-min-rate}). An origin that stops, or trickles, never holds a transfer for longer
 * than two periods.
 */
public record OriginLimits(Duration stallTimeout, long minBytesPerSecond) {
  /** Default of {@code agent.origin-timeout}. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

  /** Default of {@code agent.origin-min-rate}: 16 KiB/s, a link slower than that is broken. */
  public static final long DEFAULT_MIN_BYTES_PER_SECOND = 16 * 1024;

  public static final OriginLimits DEFAULT =
      new OriginLimits(DEFAULT_STALL_TIMEOUT, DEFAULT_MIN_BYTES_PER_SECOND);

  public OriginLimits {
    if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("agent.origin-timeout must be positive: " + stallTimeout);
    }
    if (minBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "agent.origin-min-rate must be >= 0 (0 = only a stall counts): " + minBytesPerSecond);
    }
  }

  /** For messages: what the limit is and which keys set it. */
  String describe() {
    return (minBytesPerSecond > 0 ? "fewer than " + minBytesPerSecond + " bytes/s" : "no byte")
        + " from the origin for "
        + stallTimeout
        + " (agent.origin-timeout, agent.origin-min-rate)";
  }
}
