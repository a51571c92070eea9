package io.layerswarm.swarm.torrent;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed-side scheduling for an initial seed (BEP 16 "super seeding", made for a cluster whose
 * members cooperate): the seed announces no piece at first, then offers each peer it uploads to a
 * few pieces at a time with HAVE messages, always the pieces offered least so far, lowest index
 * first. An offer is taken when the seed has uploaded the whole piece to that peer, or the peer
 * announces it; the peer then gets the next one. So the seed sends each piece once before it sends
 * any piece twice, in the order streaming readers need them, and the peers get every other copy
 * from each other.
 *
 * <p>Only offers are served: a request for another piece is refused, so a piece withdrawn from one
 * peer and offered to another is not sent twice. A peer that does not ask for an offered piece
 * between two ticks probably got it elsewhere (a peer does not announce what it believes we have):
 * the offer is replaced. Pure book-keeping: the torrent reports uploads, announcements, chokes and
 * ticks, and sends the offers returned. Owned by the torrent's loop.
 *
 * @param <P> the peer identity
 */
final class SuperSeeder<P> {
  private final int[] pieceSizes;
  private final int perPeer;

  /** How many peers each piece is offered to now or was taken by. */
  private final int[] offered;

  private final Map<P, Offers> byPeer = new HashMap<>();

  /** One peer's offers not taken yet, and how far each was uploaded. */
  private static final class Offers {
    final BitSet pending = new BitSet();
    final Map<Integer, Long> uploaded = new HashMap<>();

    /** Offers asked for since the last tick. */
    final BitSet asked = new BitSet();
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
  }

  /**
   * Tops up the offers of {@code peer}, which we upload to and which announced {@code peerHas}:
   * returns the pieces to announce to it now.
   */
  List<Integer> topUp(P peer, BitSet peerHas) {
    Offers mine = byPeer.computeIfAbsent(peer, p -> new Offers());
    // No more offers at once than pieces, or a piece would be offered twice before another once.
    int limit = Math.max(1, Math.min(perPeer, offered.length / byPeer.size()));
    List<Integer> offers = new ArrayList<>(limit);
    while (mine.pending.cardinality() < limit) {
      int piece = leastOffered(peerHas, mine.pending);
      if (piece < 0) {
        break;
      }
      mine.pending.set(piece);
      offered[piece]++;
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
    take(mine, piece);
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
   * Returns whether it was an offer.
   */
  boolean announced(P peer, int piece) {
    Offers mine = byPeer.get(peer);
    if (mine == null || !mine.pending.get(piece)) {
      return false;
    }
    take(mine, piece);
    return true;
  }

  private static void take(Offers mine, int piece) {
    mine.pending.clear(piece);
    mine.asked.clear(piece);
    mine.uploaded.remove(piece);
  }

  /**
   * A tick passed: offers {@code peer} did not ask for since the last tick go back (it got them
   * elsewhere, or does not want them). Returns whether any did (then top the peer up).
   */
  boolean tick(P peer) {
    Offers mine = byPeer.get(peer);
    if (mine == null) {
      return false;
    }
    BitSet stale = (BitSet) mine.pending.clone();
    stale.andNot(mine.asked);
    for (int i = stale.nextSetBit(0); i >= 0; i = stale.nextSetBit(i + 1)) {
      mine.pending.clear(i);
      mine.uploaded.remove(i);
      offered[i]--;
    }
    mine.asked.clear();
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
      }
    }
  }

  /** How many peers {@code piece} was offered to, counting offers still pending. */
  int offers(int piece) {
    return offered[piece];
  }

  /** The lowest piece with the fewest offers that the peer neither has nor was offered. */
  private int leastOffered(BitSet peerHas, BitSet mine) {
    int best = -1;
    for (int i = 0; i < offered.length; i++) {
      if (!peerHas.get(i) && !mine.get(i) && (best < 0 || offered[i] < offered[best])) {
        best = i;
        if (offered[i] == 0) {
          break; // Nothing is offered less, and nothing lower comes later.
        }
      }
    }
    return best;
  }
}
