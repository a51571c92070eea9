package io.layerswarm.swarm.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link PieceStore} that checks pieces does, run against the file store and the
 * in-memory one: blocks put add up to a piece, a piece is verified only if its SHA-1 matches, and
 * the store finishes only when every piece is verified.
 */
abstract class PieceStoreContract {
  static final int PIECE = 32 * 1024;

  @TempDir Path dir;
  byte[] content;
  Metainfo metainfo;

  /** An empty store for a download of {@code metainfo}. */
  abstract PieceStore open(Metainfo metainfo, Path dir) throws Exception;

  @BeforeEach
  void makeTorrent() throws Exception {
    content = new byte[3 * PIECE + 1000];
    new Random(7).nextBytes(content);
    Path source = Files.write(dir.resolve("source"), content);
    metainfo = Metainfo.create(source, "blob", List.of(), PIECE);
  }

  private void putPiece(PieceStore store, int piece, byte[] bytes) {
    TorrentGeometry geometry = metainfo.geometry();
    for (int b = 0; b < geometry.blockCount(piece); b++) {
      BlockRef block = geometry.block(piece, b);
      int from = (int) geometry.pieceOffset(piece) + block.offset();
      store.put(block, Unpooled.wrappedBuffer(bytes, from, block.length()));
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPieceWhoseBlocksMatchItsHashIsVerified() throws Exception {
    PieceStore store = open(metainfo, dir);
    putPiece(store, 1, content);

    assertThat(await(store.writePiece(new PieceIndex(1), false))).isTrue();

    assertThat(store.isVerified(new PieceIndex(1))).isTrue();
    assertThat(store.verified().stream().boxed().toList()).containsExactly(1);
    assertThat(store.verifiedBytes()).isEqualTo(PIECE);
    assertThat(store.isComplete()).isFalse();
    store.close();
  }

  @Test
  void aPieceWithOneWrongByteFailsItsCheckAndStaysUnverified() throws Exception {
    PieceStore store = open(metainfo, dir);
    byte[] corrupt = content.clone();
    corrupt[PIECE + 5] ^= 1;
    putPiece(store, 1, corrupt);

    assertThat(await(store.writePiece(new PieceIndex(1), false))).isFalse();

    assertThat(store.isVerified(new PieceIndex(1))).isFalse();
    assertThat(store.verifiedBytes()).isZero();
    store.close();
  }

  @Test
  void putReleasesTheBlockItWasGiven() throws Exception {
    PieceStore store = open(metainfo, dir);
    ByteBuf block = Unpooled.copiedBuffer(content, 0, TorrentGeometry.BLOCK_SIZE);

    store.put(BlockRef.of(0, 0, TorrentGeometry.BLOCK_SIZE), block);

    assertThat(block.refCnt()).isZero();
    store.close();
  }

  @Test
  void itFinishesOnlyOnceEveryPieceIsVerified() throws Exception {
    PieceStore store = open(metainfo, dir);
    assertThat(store.finish())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class);

    for (int i = 0; i < metainfo.pieceCount(); i++) {
      putPiece(store, i, content);
      assertThat(await(store.writePiece(new PieceIndex(i), false))).isTrue();
      store.discard(new PieceIndex(i), true);
    }

    assertThat(store.isComplete()).isTrue();
    assertThat(store.verifiedBytes()).isEqualTo(content.length);
    assertThat(await(store.finish())).isNotNull();
    store.close();
  }

  @Test
  void nobodyReadsUntilSomeoneOpensAStream() throws Exception {
    PieceStore store = open(metainfo, dir);

    assertThat(store.readerPosition()).isEqualTo(-1);
    store.close();
  }
}
