package io.layerswarm.swarm.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceIndex;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FilePieceStoreTest extends PieceStoreContract {
  private PieceMemory memory;

  @Override
  PieceStore open(Metainfo metainfo, Path dir) throws Exception {
    memory = PieceMemory.unbounded();
    return new FilePieceStore(
        PieceStorage.download(
            metainfo, dir.resolve("part"), dir.resolve("final"), MoreExecutors.directExecutor()),
        memory);
  }

  @Test
  void aFinishedDownloadIsMovedToItsFinalFileWithTheBytesThatArrived() throws Exception {
    itFinishesOnlyOnceEveryPieceIsVerified();

    assertThat(Files.readAllBytes(dir.resolve("final"))).isEqualTo(content);
  }

  @Test
  void piecesAreAssembledInArraysFromThePieceMemoryAndGivenBackWhenDiscarded() throws Exception {
    FilePieceStore store = (FilePieceStore) open(metainfo, dir);
    aPieceWhoseBlocksMatchItsHashIsVerified(store);
    long held = memory.arrayBytes();
    assertThat(held).isEqualTo(PIECE);

    store.discard(new PieceIndex(1), true);
    byte[] reused = memory.array(PIECE);

    assertThat(memory.arrayBytes()).as("the discarded array is handed out again").isEqualTo(held);
    assertThat(reused).hasSize(PIECE);
    store.close();
  }

  private void aPieceWhoseBlocksMatchItsHashIsVerified(FilePieceStore store) throws Exception {
    for (int b = 0; b < metainfo.geometry().blockCount(1); b++) {
      var block = metainfo.geometry().block(1, b);
      store.put(
          block,
          io.netty.buffer.Unpooled.wrappedBuffer(content, PIECE + block.offset(), block.length()));
    }
    assertThat(store.writePiece(new PieceIndex(1), false).get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aStreamReadsOnlyVerifiedBytesAndMovesTheReaderPosition() throws Exception {
    FilePieceStore store = (FilePieceStore) open(metainfo, dir);
    aPieceWhoseBlocksMatchItsHashIsVerified(store);

    try (InputStream in = store.openStream(PIECE)) {
      assertThat(store.readerPosition()).isEqualTo(PIECE);
      byte[] first = in.readNBytes(PIECE);
      assertThat(first).isEqualTo(java.util.Arrays.copyOfRange(content, PIECE, 2 * PIECE));
      assertThat(store.readerPosition()).isEqualTo(2 * PIECE);
    }
    assertThat(store.readerPosition()).isEqualTo(-1);
    store.close();
  }
}
