package io.layerswarm.agent.mirror;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides when a swarm download has stalled: no metainfo, or no newly verified bytes, within the
 * deadline since the last progress. A pure function of the observations and the time passed in; it
 * reads no clock. Not thread-safe: the owning transfer guards it.
 */
final class ProgressDeadline {
  private final Duration limit;
  private Instant lastProgress;
  private long lastVerifiedBytes;

  /**
   * @param limit how long the transfer may go without progress
   * @param start when the transfer started; counts as progress
   */
  ProgressDeadline(Duration limit, Instant start) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("deadline must be positive: " + limit);
    }
    this.limit = limit;
    this.lastProgress = start;
  }

  /** Records progress that is not counted in bytes, such as the metainfo arriving. */
  void progressed(Instant now) {
    if (now.isAfter(lastProgress)) {
      lastProgress = now;
    }
  }

  /**
   * Records {@code verifiedBytes} seen at {@code now} (more than last time counts as progress) and
   * returns whether the deadline has passed without progress.
   */
  boolean expired(Instant now, long verifiedBytes) {
    if (verifiedBytes > lastVerifiedBytes) {
      lastVerifiedBytes = verifiedBytes;
      progressed(now);
      return false;
    }
    return !now.isBefore(lastProgress.plus(limit));
  }

  /** Time since the last progress at {@code now}, for log messages. */
  Duration idle(Instant now) {
    Duration idle = Duration.between(lastProgress, now);
    return idle.isNegative() ? Duration.ZERO : idle;
  }
}
