package io.layerswarm.swarm.sched;

import io.layerswarm.core.topology.Location.Tier;
import java.util.BitSet;
import java.util.Objects;

/**
 * Which pieces to ask a peer for when peers sit in racks and zones: a piece that a nearer peer can
 * give us now (same rack before same zone before the rest) is not asked of a farther one, so that
 * as few copies as possible cross the costly links. A farther peer is still asked for every piece
 * no nearer peer has, or whose nearer holders all choke us; nothing ever waits for a nearer peer
 * that cannot send. Dialing needs no such rule: the tracker lists the nearest peers first (see its
 * {@code PeerSelector}), and candidates are dialed in its order.
 *
 * <p>Pure: no state, no clock. Without a location every peer is {@link Tier#OTHER}, nothing is
 * nearer than anything, and the pieces are returned unchanged.
 */
public final class NearFirst {
  private NearFirst() {}

  /**
   * Another connected peer that we could ask instead.
   *
   * @param tier how near it is
   * @param unchokedUs whether it lets us request now
   * @param pieces what it has; read, not copied (the caller's loop owns it and does not change it
   *     during the call)
   */
  public record Source(Tier tier, boolean unchokedUs, BitSet pieces) {
    public Source {
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(pieces, "pieces");
    }
  }

  /**
   * The pieces to ask a peer of {@code tier} for: {@code available} without those that a strictly
   * nearer peer which unchoked us has. Returns {@code available} itself (not a copy) when nothing
   * is taken away, so the common case allocates nothing.
   */
  public static BitSet requestable(BitSet available, Tier tier, Iterable<Source> others) {
    if (tier == Tier.RACK || available.isEmpty()) {
      return available;
    }
    BitSet result = null;
    for (Source other : others) {
      if (other.unchokedUs()
          && other.tier().compareTo(tier) < 0
          && other.pieces().intersects(available)) {
        if (result == null) {
          result = (BitSet) available.clone();
        }
        result.andNot(other.pieces());
      }
    }
    return result == null ? available : result;
  }
}
