package io.layerswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TorrentGeometryTest {
  @Test
  void piecesSplitIntoSixteenKibBlocksWithAShorterLastOne() {
    TorrentGeometry geometry = new TorrentGeometry(3 * 32 * 1024 + 100, 64 * 1024);

    assertThat(geometry.blockSize()).isEqualTo(TorrentGeometry.BLOCK_SIZE);
    assertThat(geometry.blockCount(0)).isEqualTo(4);
    assertThat(geometry.blockCount(1)).isEqualTo(3);
    assertThat(geometry.block(1, 2)).isEqualTo(BlockRef.of(1, 32 * 1024, 100));
  }

  @Test
  void aLargerBlockSizeKeepsThePiecesAndMakesFewerBiggerBlocks() {
    TorrentGeometry wire = new TorrentGeometry(1024 * 1024 + 7, 256 * 1024);
    TorrentGeometry whole = wire.withBlockSize(256 * 1024);

    assertThat(whole.pieceCount()).isEqualTo(wire.pieceCount()).isEqualTo(5);
    assertThat(whole.blockCount(0)).isEqualTo(1);
    assertThat(whole.block(0, 0)).isEqualTo(BlockRef.of(0, 0, 256 * 1024));
    assertThat(whole.block(4, 0)).isEqualTo(BlockRef.of(4, 0, 7));
    assertThatThrownBy(() -> whole.block(0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aBlockSizeBelowOneIsRefused() {
    assertThatThrownBy(() -> new TorrentGeometry(10, 10, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("block size");
  }
}
