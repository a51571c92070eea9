package io.layerswarm.swarm.torrent;

import io.layerswarm.core.topology.Location;
import io.layerswarm.core.topology.Location.Tier;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.sched.NearFirst;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/** Feeds a torrent's peers to the {@link NearFirst} decision. Loop only. */
final class NearPeers {
  private NearPeers() {}

  /** The pieces to ask {@code peer} for, out of {@code available}; see {@link NearFirst}. */
  static BitSet requestable(Location here, Peer peer, BitSet available, Collection<Peer> peers) {
    if (here.isUnknown() || peer.tier() == Tier.RACK) {
      return available; // Nothing is nearer: today's behaviour, with no allocation.
    }
    List<NearFirst.Source> nearer = new ArrayList<>();
    for (Peer other : peers) {
      if (other != peer && other.tier().compareTo(peer.tier()) < 0) {
        nearer.add(new NearFirst.Source(other.tier(), other.unchokedUs(), other.piecesView()));
      }
    }
    return nearer.isEmpty() ? available : NearFirst.requestable(available, peer.tier(), nearer);
  }
}
