package io.layerswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PieceLengthTest {
  @Test
  void smallBlobsGetTheShortestPieces() {
    assertThat(PieceLength.forSize(0)).isEqualTo(128 * 1024);
    assertThat(PieceLength.forSize(913)).isEqualTo(128 * 1024);
    assertThat(PieceLength.forSize(8L << 20)).isEqualTo(128 * 1024);
    assertThat(PieceLength.forSize(70_000_000)).isEqualTo(128 * 1024);
  }

  @Test
  void largerBlobsGetTheShortestPowerOfTwoWithinTheirPieceCount() {
    for (long size = 1; size < (1L << 36); size = size * 3 + 7) {
      int length = PieceLength.forSize(size);
      assertThat(Integer.bitCount(length)).as("power of two for %d", size).isEqualTo(1);
      assertThat(length).isBetween(PieceLength.MIN, PieceLength.MAX);
      if (length < PieceLength.MAX) {
        assertThat(size / length)
            .as("pieces of %d", size)
            .isLessThanOrEqualTo(PieceLength.MAX_PIECES);
      }
      if (length > PieceLength.MIN) {
        assertThat(size / (length / 2))
            .as("half as long is too many")
            .isGreaterThan(PieceLength.MAX_PIECES);
      }
    }
  }

  @Test
  void hugeBlobsStopAtTheLongestPieces() {
    assertThat(PieceLength.forSize(1L << 40)).isEqualTo(PieceLength.MAX);
  }
}
