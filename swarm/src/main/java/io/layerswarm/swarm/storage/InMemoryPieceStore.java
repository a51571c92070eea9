package io.layerswarm.swarm.storage;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PieceStore} in memory, in one of two modes: {@link #checking} keeps every byte and
 * checks each piece's SHA-1 like {@link FilePieceStore} (for tests), {@link #trusting} keeps no
 * byte and counts every complete piece as verified (for the simulator, where thousands of hosts
 * hold gigabytes each). Writes complete at once; the reader's position is set by its owner. Owned
 * by one thread (the torrent's loop).
 */
public final class InMemoryPieceStore implements PieceStore {
  private final Metainfo metainfo;
  private final TorrentGeometry geometry;
  private final boolean check;
  private final byte[][] pieces;
  private final BitSet verified;
  private long verifiedBytes;
  private long readerPosition = -1;

  /** Whether a reader follows the verified pieces in order (see {@link #readInOrder}). */
  private boolean readsInOrder;

  private boolean closed;
  private IOException failure;

  private InMemoryPieceStore(Metainfo metainfo, boolean check, byte[] content) {
    this.metainfo = metainfo;
    this.geometry = metainfo.geometry();
    this.check = check;
    int n = geometry.pieceCount();
    this.pieces = check ? new byte[n][] : null;
    this.verified = new BitSet(n);
    if (content != null) {
      if (content.length != geometry.length()) {
        throw new IllegalArgumentException(
            content.length + " bytes for a torrent of " + geometry.length());
      }
      for (int i = 0; i < n; i++) {
        int offset = (int) geometry.pieceOffset(i);
        pieces[i] = Arrays.copyOfRange(content, offset, offset + geometry.pieceSize(i));
      }
      verified.set(0, n);
      verifiedBytes = geometry.length();
    }
  }

  /**
   * Keeps bytes and checks pieces against the metainfo's hashes; a seed of {@code content} if it is
   * not null, else empty.
   */
  public static InMemoryPieceStore checking(Metainfo metainfo, byte[] content) {
    return new InMemoryPieceStore(metainfo, true, content);
  }

  /**
   * Keeps no bytes: blocks put are dropped, and every piece whose blocks all arrived is verified. A
   * seed if {@code complete}.
   */
  public static InMemoryPieceStore trusting(Metainfo metainfo, boolean complete) {
    InMemoryPieceStore store = new InMemoryPieceStore(metainfo, false, null);
    if (complete) {
      store.verified.set(0, store.geometry.pieceCount());
      store.verifiedBytes = store.geometry.length();
    }
    return store;
  }

  /** The bytes of a block of a verified piece (checking mode only). */
  public byte[] read(BlockRef block) {
    int piece = block.piece().value();
    if (!check || !verified.get(piece)) {
      throw new IllegalStateException("block " + block + " is not available");
    }
    return Arrays.copyOfRange(pieces[piece], block.offset(), block.offset() + block.length());
  }

  /** Where the reader waits now, or -1 if nobody reads. */
  public void setReaderPosition(long position) {
    this.readerPosition = position;
    this.readsInOrder = false;
  }

  /**
   * A reader streams the blob from its start and reads every verified byte at once, as a client
   * that consumes a layer as fast as it arrives: it always waits at the first missing piece.
   */
  public void readInOrder() {
    this.readsInOrder = true;
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** The failure given to {@link #fail}, or null. */
  public IOException failure() {
    return failure;
  }

  @Override
  public BitSet verified() {
    return (BitSet) verified.clone();
  }

  @Override
  public boolean isVerified(PieceIndex piece) {
    return verified.get(piece.value());
  }

  @Override
  public long verifiedBytes() {
    return verifiedBytes;
  }

  @Override
  public boolean isComplete() {
    return verified.cardinality() == geometry.pieceCount();
  }

  @Override
  public long readerPosition() {
    if (readsInOrder) {
      int first = verified.nextClearBit(0);
      return first < geometry.pieceCount() ? geometry.pieceOffset(first) : -1;
    }
    return readerPosition < geometry.length() ? readerPosition : -1;
  }

  @Override
  public void put(BlockRef block, ByteBuf data) {
    try {
      if (check) {
        int piece = block.piece().value();
        if (pieces[piece] == null) {
          pieces[piece] = new byte[geometry.pieceSize(piece)];
        }
        data.getBytes(data.readerIndex(), pieces[piece], block.offset(), block.length());
      }
    } finally {
      data.release();
    }
  }

  @Override
  public CompletableFuture<Boolean> writePiece(PieceIndex piece, boolean urgent) {
    int i = piece.value();
    if (closed) {
      return CompletableFuture.failedFuture(new StorageException("the store is closed"));
    }
    if (check) {
      if (pieces[i] == null) {
        return CompletableFuture.failedFuture(
            new StorageException("piece " + piece + " has no blocks to write"));
      }
      if (!MessageDigest.isEqual(sha1(pieces[i]), metainfo.pieceHash(i))) {
        return CompletableFuture.completedFuture(false);
      }
    }
    if (!verified.get(i)) {
      verified.set(i);
      verifiedBytes += geometry.pieceSize(i);
    }
    return CompletableFuture.completedFuture(true);
  }

  @Override
  public void discard(PieceIndex piece, boolean reuse) {
    if (check && !verified.get(piece.value())) {
      pieces[piece.value()] = null;
    }
  }

  @Override
  public CompletableFuture<Path> finish() {
    if (!isComplete()) {
      return CompletableFuture.failedFuture(
          new StorageException("torrent " + metainfo.infoHash() + " is not complete"));
    }
    return CompletableFuture.completedFuture(Path.of(metainfo.name()));
  }

  @Override
  public void fail(IOException cause) {
    if (failure == null) {
      failure = cause;
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
