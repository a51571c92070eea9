package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The blobs whose copy in the swarm failed verification recently: new transfers of them go to the
 * origin at once, for {@link #LENGTH}. Bounded to {@link #MAX_REFUSALS} blobs. Reads no clock: the
 * caller passes the time. Thread-safe.
 */
final class SwarmRefusals {
  /** How long the origin serves a blob after the swarm's copy of it failed verification. */
  static final Duration LENGTH = Duration.ofMinutes(10);

  static final int MAX_REFUSALS = 4096;

  private final ConcurrentMap<Digest, Instant> until = new ConcurrentHashMap<>();

  /** From {@code now} on, {@code digest} comes from the origin for {@link #LENGTH}. */
  void refuse(Digest digest, Instant now) {
    if (until.size() >= MAX_REFUSALS) {
      // Bounded: drop the ended ones, then any until there is room.
      expire(now);
      for (Iterator<Map.Entry<Digest, Instant>> it = until.entrySet().iterator();
          it.hasNext() && until.size() >= MAX_REFUSALS; ) {
        it.next();
        it.remove();
      }
    }
    until.put(digest, now.plus(LENGTH));
  }

  /** True while new transfers of {@code digest} skip the swarm. */
  boolean refused(Digest digest, Instant now) {
    Instant end = until.get(digest);
    return end != null && end.isAfter(now);
  }

  /** Forgets the refusals that ended by {@code now}. */
  void expire(Instant now) {
    until.values().removeIf(end -> !end.isAfter(now));
  }

  int size() {
    return until.size();
  }
}
