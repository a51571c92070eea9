package io.layerswarm.swarm.storage;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * Where a torrent's pieces are assembled, checked and kept, as its policy sees it: a file on disk
 * in the engine ({@link FilePieceStore}), a set of verified pieces without any bytes in the
 * simulator. Which pieces to fetch and when is not its business.
 *
 * <p>Threads: the queries may be called from any thread; {@link #put}, {@link #writePiece}, {@link
 * #discard}, {@link #finish} and {@link #close} only from the torrent's loop. Futures complete on
 * any thread.
 */
public interface PieceStore {
  /** A copy of the verified pieces. */
  BitSet verified();

  boolean isVerified(PieceIndex piece);

  /** Bytes in verified pieces. */
  long verifiedBytes();

  /** Whether every piece is verified. */
  boolean isComplete();

  /**
   * The lowest position a reader of the blob waits at, or -1 if nobody reads: the picker fetches
   * the pieces just ahead of it first.
   */
  long readerPosition();

  /**
   * Copies a block that arrived into the piece it belongs to (whose memory the torrent reserved),
   * and releases {@code data}.
   */
  void put(BlockRef block, ByteBuf data);

  /**
   * Every block of {@code piece} was put: checks its SHA-1 and, if it matches, keeps it and marks
   * it verified. Completes with whether it matched. Its blocks stay put until {@link #discard}.
   *
   * @param urgent whether a reader waits for this piece (it goes before other pieces)
   */
  CompletableFuture<Boolean> writePiece(PieceIndex piece, boolean urgent);

  /**
   * Forgets the blocks put for {@code piece}. {@code reuse} false: a write of it may still be
   * reading them.
   */
  void discard(PieceIndex piece, boolean reuse);

  /**
   * Once every piece is verified: moves the data to its final place and completes with it (a seed
   * completes with its file at once).
   */
  CompletableFuture<Path> finish();

  /** Marks the store failed: readers waiting for pieces fail with {@code cause}. */
  void fail(IOException cause);

  /** Closes the store; the data stays where it is. */
  void close();
}
