package io.layerswarm.swarm;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An engine's traffic since it started, exact: the live counters of its torrents, plus the final
 * counters of each torrent once it stopped. A removed torrent stays counted live until its stop
 * completes, so no byte that arrives in between is lost, and none is counted twice. Thread-safe.
 */
final class TrafficLedger {
  /** By identity: a removed torrent and a new one for the same info hash are two entries. */
  private final Map<Object, Supplier<Traffic>> open = new IdentityHashMap<>();

  private Traffic closed = Traffic.ZERO;

  /** Counts {@code torrent}'s {@code counters} from now on. */
  synchronized void opened(Object torrent, Supplier<Traffic> counters) {
    open.put(torrent, counters);
  }

  /** {@code torrent} stopped: its counters, read now, are final. Idempotent. */
  synchronized void closed(Object torrent) {
    Supplier<Traffic> counters = open.remove(torrent);
    if (counters != null) {
      closed = closed.plus(counters.get());
    }
  }

  synchronized Traffic total() {
    Traffic sum = closed;
    for (Supplier<Traffic> counters : open.values()) {
      sum = sum.plus(counters.get());
    }
    return sum;
  }
}
