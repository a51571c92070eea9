package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.swarm.sched.PieceBudget;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.storage.PieceStore;
import java.util.BitSet;
import java.util.function.IntSupplier;

/**
 * The memory a torrent holds for its pieces in progress, from its host's {@link PieceMemory}. A
 * torrent may always hold one piece, and the piece a reader waits for; beyond that the host-wide
 * budget decides, and a torrent that was refused is woken up when memory is given back. Owned by
 * the torrent's loop.
 */
final class PieceReservations {
  private final PieceMemory memory;
  private final PieceStore store;
  private final int pieceLength;
  private final Runnable wakeUp;
  private final BitSet reserved = new BitSet();
  private int count;

  /**
   * @param wakeUp runs (on whichever thread gives memory back) once memory is given back after a
   *     refusal; it should only schedule work on the torrent's loop
   */
  PieceReservations(PieceMemory memory, PieceStore store, int pieceLength, Runnable wakeUp) {
    this.memory = memory;
    this.store = store;
    this.pieceLength = pieceLength;
    this.wakeUp = wakeUp;
  }

  /** Reserves memory to start {@code piece}; {@code urgent}: a reader waits for it. */
  boolean reserve(int piece, boolean urgent) {
    if (reserved.get(piece)) {
      return true; // Still held, e.g. by a piece that failed its hash check.
    }
    if (!memory.tryReserve(pieceLength, count == 0 || urgent, wakeUp)) {
      return false;
    }
    reserved.set(piece);
    count++;
    return true;
  }

  /**
   * Makes sure {@code piece}, whose data arrived, holds memory: it always does when the picker's
   * budget is this class, but the data is here either way, so keep it.
   */
  void hold(int piece) {
    if (!reserved.get(piece)) {
      memory.tryReserve(pieceLength, true, wakeUp);
      reserved.set(piece);
      count++;
    }
  }

  /**
   * Gives back the memory of {@code piece} and its data in the store, for reuse if {@code reuse}
   * (not if a write may still read it).
   */
  void release(int piece, boolean reuse) {
    if (!reserved.get(piece)) {
      return;
    }
    reserved.clear(piece);
    count--;
    store.discard(new PieceIndex(piece), reuse);
    memory.release(pieceLength);
  }

  /**
   * The picker's budget: a piece starts only with memory reserved, and a piece dropped before its
   * data arrived gives it back.
   *
   * @param urgentPiece the piece a reader waits for now, or -1
   */
  PieceBudget budget(IntSupplier urgentPiece) {
    return new PieceBudget() {
      @Override
      public boolean tryStart(int piece) {
        return reserve(piece, piece == urgentPiece.getAsInt());
      }

      @Override
      public void dropped(int piece) {
        release(piece, true);
      }
    };
  }

  /** Gives back everything; writes may still read the data, so nothing is reused. */
  void releaseAll() {
    for (int i = reserved.nextSetBit(0); i >= 0; i = reserved.nextSetBit(i + 1)) {
      release(i, false);
    }
  }
}
