package io.layerswarm.swarm.torrent;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed-side scheduling for an initial seed (BEP 16 "super seeding", made for a cluster whose
 * members cooperate): the seed announces no piece at first, then offers each peer it uploads to a
 * few pieces at a time with HAVE messages. It offers only pieces the swarm lacks: no connected peer
 * announced it, none is offered it or was just sent it; among those the piece sent least so far,
 * lowest index first. So the seed sends each piece once, in the order streaming readers need them,
 * and the peers get every other copy from each other; a piece is sent again only when every peer
 * that had it left. When the swarm has every piece, the seed's link rests.
 *
 * <p>An offer is taken when the seed has uploaded the whole piece to that peer (the peer then gets
 * the next one; the piece counts as in the swarm until the peer announces it, or for two ticks), or
 * when the peer announces it. Only offers are served: a request for another piece is refused, so a
 * piece withdrawn from one peer and offered to another is not sent twice. A peer that has not asked
 * for an offered piece by the next tick probably got it elsewhere: the offer goes back. Pure
 * book-keeping: the torrent reports uploads, announcements, chokes and ticks, tells which pieces
 * its peers announced, and sends the offers returned. Owned by the torrent's loop.
 *
 * @param <P> the peer identity
 */
final class SuperSeeder<P> {
  private final int[] pieceSizes;
  private final int perPeer;

  /** How many times each piece was offered and taken, or is offered now. */
  private final int[] offered;

  /** How many peers each piece is offered to now, or was sent to and not yet announced by. */
  private final int[] outstanding;

  private final Map<P, Offers> byPeer = new HashMap<>();

  /** One peer's offers not taken yet, and how far each was uploaded. */
  private static final class Offers {
    final BitSet pending = new BitSet();
    final Map<Integer, Long> uploaded = new HashMap<>();

    /** Offers asked for: kept until taken, even while the uploads wait in our queue. */
    final BitSet asked = new BitSet();

    /** Pieces sent whole, not yet announced; {@code delivered} moves here at a tick. */
    final BitSet delivered = new BitSet();

    final BitSet deliveredLastTick = new BitSet();
  }

  /**
   * @param pieceSizes every piece's size in bytes, by index
   * @param perPeer pieces offered to one peer at a time
   */
  SuperSeeder(int[] pieceSizes, int perPeer) {
    if (perPeer < 1) {
      throw new IllegalArgumentException("offers per peer must be >= 1: " + perPeer);
    }
    this.pieceSizes = pieceSizes.clone();
    this.perPeer = perPeer;
    this.offered = new int[pieceSizes.length];
    this.outstanding = new int[pieceSizes.length];
  }

  /**
   * Tops up the offers of {@code peer}, which we upload to and which announced {@code peerHas}:
   * returns the pieces to announce to it now.
   *
   * @param copies by piece, how many connected peers announced it
   */
  List<Integer> topUp(P peer, BitSet peerHas, int[] copies) {
    Offers mine = byPeer.computeIfAbsent(peer, p -> new Offers());
    // No more offers at once than pieces, or a piece would be offered twice before another once.
    int limit = Math.max(1, Math.min(perPeer, offered.length / byPeer.size()));
    List<Integer> offers = new ArrayList<>(limit);
    while (mine.pending.cardinality() < limit) {
      int piece = leastSent(peerHas, copies);
      if (piece < 0) {
        break;
      }
      mine.pending.set(piece);
      offered[piece]++;
      outstanding[piece]++;
      offers.add(piece);
    }
    return offers;
  }

  /**
   * We uploaded {@code bytes} of {@code piece} to {@code peer}. Returns whether that completed an
   * offer (then top the peer up).
   */
  boolean uploaded(P peer, int piece, int bytes) {
    Offers mine = byPeer.get(peer);
    if (mine == null || !mine.pending.get(piece)) {
      return false;
    }
    mine.asked.set(piece);
    long total = mine.uploaded.merge(piece, (long) bytes, Long::sum);
    if (total < pieceSizes[piece]) {
      return false;
    }
    mine.pending.clear(piece);
    mine.asked.clear(piece);
    mine.uploaded.remove(piece);
    mine.delivered.set(piece); // Still outstanding: the peer is checking it.
    return true;
  }

  /** Whether {@code piece} is offered to {@code peer} now (only offers are served). */
  boolean isOffered(P peer, int piece) {
    Offers mine = byPeer.get(peer);
    return mine != null && mine.pending.get(piece);
  }

  /** {@code peer} asked for a block of {@code piece}: the offer is being taken. */
  void asked(P peer, int piece) {
    Offers mine = byPeer.get(peer);
    if (mine != null && mine.pending.get(piece)) {
      mine.asked.set(piece);
    }
  }

  /**
   * {@code peer} announced {@code piece}: if it was an offer, it is taken (the copy counts).
   * Returns whether it was an offer (then top the peer up).
   */
  boolean announced(P peer, int piece) {
    Offers mine = byPeer.get(peer);
    if (mine == null) {
      return false;
    }
    if (mine.delivered.get(piece) || mine.deliveredLastTick.get(piece)) {
      mine.delivered.clear(piece);
      mine.deliveredLastTick.clear(piece);
      outstanding[piece]--;
      return false;
    }
    if (!mine.pending.get(piece)) {
      return false;
    }
    mine.pending.clear(piece);
    mine.asked.clear(piece);
    mine.uploaded.remove(piece);
    outstanding[piece]--;
    return true;
  }

  /**
   * A tick passed: offers {@code peer} has not asked for go back (it got them elsewhere, or does
   * not want them), and pieces sent whole two ticks ago and still not announced no longer count as
   * in the swarm. Returns whether an offer went back (then top the peer up).
   */
  boolean tick(P peer) {
    Offers mine = byPeer.get(peer);
    if (mine == null) {
      return false;
    }
    for (int i = mine.deliveredLastTick.nextSetBit(0);
        i >= 0;
        i = mine.deliveredLastTick.nextSetBit(i + 1)) {
      outstanding[i]--;
    }
    mine.deliveredLastTick.clear();
    mine.deliveredLastTick.or(mine.delivered);
    mine.delivered.clear();
    BitSet stale = (BitSet) mine.pending.clone();
    stale.andNot(mine.asked);
    for (int i = stale.nextSetBit(0); i >= 0; i = stale.nextSetBit(i + 1)) {
      mine.pending.clear(i);
      mine.uploaded.remove(i);
      offered[i]--;
      outstanding[i]--;
    }
    return !stale.isEmpty();
  }

  /**
   * We stopped uploading to {@code peer} (choked, or it left): its offers not taken go back, so
   * they are offered to someone else first.
   */
  void withdraw(P peer) {
    Offers mine = byPeer.remove(peer);
    if (mine != null) {
      for (int i = mine.pending.nextSetBit(0); i >= 0; i = mine.pending.nextSetBit(i + 1)) {
        offered[i]--;
        outstanding[i]--;
      }
      BitSet delivered = (BitSet) mine.delivered.clone();
      delivered.or(mine.deliveredLastTick);
      for (int i = delivered.nextSetBit(0); i >= 0; i = delivered.nextSetBit(i + 1)) {
        outstanding[i]--;
      }
    }
  }

  /** How many times {@code piece} was offered and taken, or is offered now. */
  int offers(int piece) {
    return offered[piece];
  }

  /**
   * The piece to offer a peer that has {@code peerHas}: one the swarm lacks (no copy announced,
   * none outstanding), sent least so far, lowest index first; -1 if there is none.
   */
  private int leastSent(BitSet peerHas, int[] copies) {
    int best = -1;
    for (int i = 0; i < offered.length; i++) {
      if (peerHas.get(i) || copies[i] > 0 || outstanding[i] > 0) {
        continue;
      }
      if (best < 0 || offered[i] < offered[best]) {
        best = i;
        if (offered[i] == 0) {
          break; // Nothing is sent less, and nothing lower comes later.
        }
      }
    }
    return best;
  }
}
