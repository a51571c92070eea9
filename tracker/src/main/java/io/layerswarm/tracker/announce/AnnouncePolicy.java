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
 * @param trustedProxies whose word on a peer's address is taken ({@code tracker.trusted-proxies})
 */
public record AnnouncePolicy(
    Duration interval,
    Duration minInterval,
    Duration peerTtl,
    int defaultNumwant,
    int maxNumwant,
    TrustedProxies trustedProxies) {
  /** With no trusted proxies. */
  public AnnouncePolicy(
      Duration interval,
      Duration minInterval,
      Duration peerTtl,
      int defaultNumwant,
      int maxNumwant) {
    this(interval, minInterval, peerTtl, defaultNumwant, maxNumwant, TrustedProxies.NONE);
  }

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
    if (trustedProxies == null) {
      throw new IllegalArgumentException("trusted proxies are required (TrustedProxies.NONE)");
    }
  }
}
