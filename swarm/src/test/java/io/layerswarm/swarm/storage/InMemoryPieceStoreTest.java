package io.layerswarm.swarm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InMemoryPieceStoreTest extends PieceStoreContract {
  @Override
  PieceStore open(Metainfo metainfo, Path dir) {
    return InMemoryPieceStore.checking(metainfo, null);
  }

  @Test
  void aCheckingSeedServesTheBytesOfEveryBlock() {
    InMemoryPieceStore seed = InMemoryPieceStore.checking(metainfo, content);

    assertThat(seed.isComplete()).isTrue();
    assertThat(seed.read(BlockRef.of(3, 0, 1000)))
        .isEqualTo(java.util.Arrays.copyOfRange(content, 3 * PIECE, 3 * PIECE + 1000));
  }

  @Test
  void aTrustingStoreKeepsNoBytesAndVerifiesEveryCompletePiece() throws Exception {
    InMemoryPieceStore store = InMemoryPieceStore.trusting(metainfo, false);
    ByteBuf junk = Unpooled.buffer(16).writeZero(16);

    store.put(BlockRef.of(2, 0, 16), junk);

    assertThat(junk.refCnt()).isZero();
    assertThat(store.writePiece(new PieceIndex(2), false).get()).isTrue();
    assertThat(store.isVerified(new PieceIndex(2))).isTrue();
    assertThatThrownBy(() -> store.read(BlockRef.of(2, 0, 16)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTrustingSeedIsCompleteFromTheStart() {
    InMemoryPieceStore seed = InMemoryPieceStore.trusting(metainfo, true);

    assertThat(seed.isComplete()).isTrue();
    assertThat(seed.verifiedBytes()).isEqualTo(content.length);
  }

  @Test
  void aReaderInOrderWaitsAtTheFirstMissingPiece() throws Exception {
    InMemoryPieceStore store = InMemoryPieceStore.trusting(metainfo, false);
    store.readInOrder();
    assertThat(store.readerPosition()).isZero();

    store.writePiece(new PieceIndex(1), false).get();
    assertThat(store.readerPosition()).as("piece 0 still missing").isZero();
    store.writePiece(new PieceIndex(0), false).get();
    assertThat(store.readerPosition()).isEqualTo(2 * PIECE);
    store.writePiece(new PieceIndex(2), false).get();
    store.writePiece(new PieceIndex(3), false).get();
    assertThat(store.readerPosition()).as("read to the end").isEqualTo(-1);
  }

  @Test
  void theReaderPositionIsWhatItsOwnerSetsUntilTheEnd() {
    InMemoryPieceStore store = InMemoryPieceStore.trusting(metainfo, false);

    store.setReaderPosition(PIECE);
    assertThat(store.readerPosition()).isEqualTo(PIECE);
    store.setReaderPosition(content.length);
    assertThat(store.readerPosition()).isEqualTo(-1);
  }
}
