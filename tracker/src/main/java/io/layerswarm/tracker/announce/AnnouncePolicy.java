package io.layerswarm.tracker.announce;

import java.time.Duration;

/**
 * The tracker's announce settings, as the decision needs them (taken from the tracker's config).
 *
 * @param interval sent as {@code interval}: how often clients should announce
 * @param minInterval sent as {@code min interval}: clients should not announce more often
 * @param peerTtl how long a peer stays in a swarm after its last announce
 * @param defaultNumwant peers returned when the client does not send {@code numwant}
 * @param maxNumwant the most peers ever returned
 */
public record AnnouncePolicy(
    Duration interval, Duration minInterval, Duration peerTtl, int defaultNumwant, int maxNumwant) {
  public AnnouncePolicy {
    if (interval == null
        || minInterval == null
        || peerTtl == null
        || interval.isNegative()
        || minInterval.isNegative()
        || peerTtl.isNegative()
        || interval.isZero()
        || peerTtl.isZero()) {
      throw new IllegalArgumentException("announce intervals and peer ttl must be positive");
    }
    if (defaultNumwant < 0 || maxNumwant < defaultNumwant) {
      throw new IllegalArgumentException("numwant limits must satisfy 0 <= default <= max");
    }
  }
}
