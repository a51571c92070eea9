package io.layerswarm.tracker.peerstore;

import io.layerswarm.core.metainfo.PeerId;

/**
 * One member of a swarm as the tracker knows it.
 *
 * @param complete true for a seed (it announced {@code left=0})
 */
public record Peer(PeerId id, PeerAddress address, boolean complete, Topology topology) {
  public Peer {
    if (id == null || address == null || topology == null) {
      throw new IllegalArgumentException("peer id, address and topology are required");
    }
  }
}
