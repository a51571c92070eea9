package io.layerswarm.swarm.storage;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PieceStore} on a file: blocks are copied into a heap array per piece, taken from the
 * engine's {@link PieceMemory}, and each whole piece is hashed and written by {@link PieceStorage}.
 * The torrent reserves the memory of a piece before it asks for its blocks; this class only holds
 * the arrays.
 *
 * <p>Threads: as {@link PieceStore}; the arrays are touched on the torrent's loop only.
 */
public final class FilePieceStore implements PieceStore {
  private final PieceStorage storage;
  private final PieceMemory memory;

  /** The arrays pieces in progress are assembled in, once their first block arrived; by index. */
  private final byte[][] arrays;

  public FilePieceStore(PieceStorage storage, PieceMemory memory) {
    this.storage = storage;
    this.memory = memory;
    this.arrays = new byte[storage.geometry().pieceCount()][];
  }

  /** A zero-copy view of a block of a verified piece; see {@link PieceStorage#region}. */
  public FileRegion region(BlockRef block) {
    return storage.region(block);
  }

  /** A stream of verified bytes from {@code offset}; see {@link PieceStorage#openStream}. */
  public InputStream openStream(long offset) {
    return storage.openStream(offset);
  }

  @Override
  public BitSet verified() {
    return storage.verified();
  }

  @Override
  public boolean isVerified(PieceIndex piece) {
    return storage.isVerified(piece);
  }

  @Override
  public long verifiedBytes() {
    return storage.verifiedBytes();
  }

  @Override
  public boolean isComplete() {
    return storage.isComplete();
  }

  @Override
  public long readerPosition() {
    return storage.readerPosition();
  }

  @Override
  public void put(BlockRef block, ByteBuf data) {
    try {
      int piece = block.piece().value();
      byte[] array = arrays[piece];
      if (array == null) {
        array = memory.array(storage.geometry().pieceLength());
        arrays[piece] = array;
      }
      data.getBytes(data.readerIndex(), array, block.offset(), block.length());
    } finally {
      data.release();
    }
  }

  @Override
  public CompletableFuture<Boolean> writePiece(PieceIndex piece, boolean urgent) {
    byte[] array = arrays[piece.value()];
    if (array == null) {
      return CompletableFuture.failedFuture(
          new StorageException("piece " + piece + " has no blocks to write"));
    }
    return storage.writePiece(piece, array, urgent);
  }

  @Override
  public void discard(PieceIndex piece, boolean reuse) {
    byte[] array = arrays[piece.value()];
    arrays[piece.value()] = null;
    if (array != null) {
      memory.recycle(array, reuse);
    }
  }

  @Override
  public CompletableFuture<Path> finish() {
    return storage.finish();
  }

  @Override
  public void fail(IOException cause) {
    storage.fail(cause);
  }

  @Override
  public void close() {
    storage.close();
  }
}
