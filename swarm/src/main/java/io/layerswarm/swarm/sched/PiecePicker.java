package io.layerswarm.swarm.sched;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which blocks to request from which peer, and keeps the book of blocks requested, received
 * and verified. No I/O, no threads, no clock but the injected one.
 *
 * <p>Owned by the torrent's event loop: not thread-safe.
 *
 * @param <P> the peer identity; compared by {@code equals}
 */
public interface PiecePicker<P> {

  /** A peer announced these pieces (bitfield or have-all). */
  void addAvailability(BitSet pieces);

  /** A peer announced one piece (have). */
  void addAvailability(PieceIndex piece);

  /** A peer that had these pieces left. */
  void removeAvailability(BitSet pieces);

  /**
   * The byte offset a reader is waiting at, or -1 if nobody streams: the pieces just ahead of it
   * are fetched first, in order.
   */
  void setReaderPosition(long offset);

  /**
   * Chooses up to {@code max} blocks to request from {@code peer} and records them as requested by
   * it at the clock's current time.
   *
   * @param peerHas the pieces the peer has
   * @param allowed if not null, only these pieces may be picked (BEP 6 allowed-fast while choked)
   */
  List<BlockRef> pick(P peer, BitSet peerHas, int max, BitSet allowed);

  /**
   * Books a block of data from {@code peer}. It is wanted only if {@code peer} had requested it and
   * no copy arrived before.
   */
  Received<P> received(P peer, BlockRef block);

  /** {@code peer} will not deliver {@code block} (rejected, choked, cancelled or timed out). */
  void abandoned(P peer, BlockRef block);

  /** {@code peer} disconnected: all its requests are abandoned and it owns no piece any more. */
  void peerGone(P peer);

  /**
   * The hash check of a complete piece failed: its blocks are wanted again, from one peer only
   * ("parole", so the next failure names the culprit). Returns the peers that sent its blocks.
   */
  Set<P> pieceFailed(PieceIndex piece);

  /** The piece passed its hash check. */
  void pieceVerified(PieceIndex piece);

  /** Whether {@code peerHas} holds any piece we still miss. */
  boolean isInteresting(BitSet peerHas);

  /** Whether every piece is verified. */
  boolean isComplete();

  /** Whether every block still missing is already requested (duplicate requests are allowed). */
  boolean isEndgame();

  /**
   * The result of {@link #received}.
   *
   * @param wanted whether the data should be stored; if false, drop it
   * @param pieceComplete whether this was the last missing block of its piece, which should now be
   *     hash-checked
   * @param cancel other peers that were asked for the same block (endgame) and should be sent a
   *     cancel
   */
  record Received<P>(boolean wanted, boolean pieceComplete, List<P> cancel) {
    public Received {
      cancel = List.copyOf(cancel);
    }

    static <P> Received<P> unwanted() {
      return new Received<>(false, false, List.of());
    }
  }
}
