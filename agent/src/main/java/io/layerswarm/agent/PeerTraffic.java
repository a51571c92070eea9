package io.layerswarm.agent;

import io.layerswarm.swarm.Torrent;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Peer wire payload moved since the agent started. The engine counts per torrent, and a removed
 * torrent takes its counts along: a finished download is replaced by a seed of the same info hash,
 * an abandoned one is dropped. Sampling on the agent's timer keeps what each removed torrent had
 * moved as of its last sample (so up to one timer period of its traffic is missed). Thread-safe.
 */
final class PeerTraffic {
  /** Bytes, since start. */
  record Totals(long uploadedBytes, long downloadedBytes) {
    Totals plus(Totals other) {
      return new Totals(
          uploadedBytes + other.uploadedBytes, downloadedBytes + other.downloadedBytes);
    }
  }

  /** By identity: a download and the seed replacing it share an info hash but not counters. */
  private final Map<Torrent, Totals> lastSeen = new IdentityHashMap<>();

  private Totals retired = new Totals(0, 0);

  /**
   * Records the counters of {@code torrents} (the engine's torrents now) and returns the totals.
   */
  synchronized Totals sample(Collection<Torrent> torrents) {
    Set<Torrent> current = Collections.newSetFromMap(new IdentityHashMap<>());
    Totals live = new Totals(0, 0);
    for (Torrent torrent : torrents) {
      Totals counts = new Totals(torrent.uploadedBytes(), torrent.downloadedBytes());
      current.add(torrent);
      lastSeen.put(torrent, counts);
      live = live.plus(counts);
    }
    for (Iterator<Map.Entry<Torrent, Totals>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Torrent, Totals> seen = it.next();
      if (!current.contains(seen.getKey())) {
        retired = retired.plus(seen.getValue());
        it.remove();
      }
    }
    return retired.plus(live);
  }
}
