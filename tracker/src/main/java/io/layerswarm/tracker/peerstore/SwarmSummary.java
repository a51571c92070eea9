package io.layerswarm.tracker.peerstore;

import io.layerswarm.core.metainfo.InfoHash;

/**
 * One live swarm as {@link PeerStore#swarms} lists it.
 *
 * @param counts live seeds and leechers (at least one in all) and the download count
 */
public record SwarmSummary(InfoHash infoHash, SwarmCounts counts) {
  public SwarmSummary {
    if (infoHash == null || counts == null) {
      throw new IllegalArgumentException("info hash and counts are required");
    }
  }

  /** Live seeds plus live leechers. */
  public int peers() {
    return counts.complete() + counts.incomplete();
  }
}
