package io.layerswarm.sim.swarm;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.storage.PieceStore;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * A torrent's piece store that tells when its verified in-order prefix grows (what the agent's
 * streams can read, and hash, from the start). Forwards everything else. Used on the loop only.
 */
final class InOrderWatch implements PieceStore {
  private final PieceStore store;
  private final TorrentGeometry geometry;
  private int firstMissing;
  private LongConsumer listener = bytes -> {};

  InOrderWatch(PieceStore store, TorrentGeometry geometry) {
    this.store = store;
    this.geometry = geometry;
  }

  /** Calls {@code listener} with the prefix's bytes each time it grows. */
  void onPrefix(LongConsumer listener) {
    this.listener = listener;
  }

  /** Bytes at the start that are verified, without a gap. */
  long prefixBytes() {
    return firstMissing >= geometry.pieceCount()
        ? geometry.length()
        : geometry.pieceOffset(firstMissing);
  }

  @Override
  public CompletableFuture<Boolean> writePiece(PieceIndex piece, boolean urgent) {
    return store
        .writePiece(piece, urgent)
        .thenApply(
            ok -> {
              if (ok && piece.value() == firstMissing) {
                while (firstMissing < geometry.pieceCount()
                    && store.isVerified(new PieceIndex(firstMissing))) {
                  firstMissing++;
                }
                listener.accept(prefixBytes());
              }
              return ok;
            });
  }

  @Override
  public BitSet verified() {
    return store.verified();
  }

  @Override
  public boolean isVerified(PieceIndex piece) {
    return store.isVerified(piece);
  }

  @Override
  public long verifiedBytes() {
    return store.verifiedBytes();
  }

  @Override
  public boolean isComplete() {
    return store.isComplete();
  }

  @Override
  public long readerPosition() {
    return store.readerPosition();
  }

  @Override
  public void put(BlockRef block, ByteBuf data) {
    store.put(block, data);
  }

  @Override
  public void discard(PieceIndex piece, boolean reuse) {
    store.discard(piece, reuse);
  }

  @Override
  public CompletableFuture<Path> finish() {
    return store.finish();
  }

  @Override
  public void fail(IOException cause) {
    store.fail(cause);
  }

  @Override
  public void close() {
    store.close();
  }
}
