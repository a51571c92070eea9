package io.layerswarm.core.metainfo;

import java.util.Objects;

/**
 * A byte range inside one piece: the unit of request, piece and cancel messages (BEP 3).
 *
 * @param piece the piece
 * @param offset byte offset inside the piece, {@code >= 0}
 * @param length length in bytes, {@code > 0}
 */
public record BlockRef(PieceIndex piece, int offset, int length) {
  public BlockRef {
    Objects.requireNonNull(piece, "piece");
    if (offset < 0) {
      throw new IllegalArgumentException("block offset must be >= 0: " + offset);
    }
    if (length <= 0) {
      throw new IllegalArgumentException("block length must be > 0: " + length);
    }
  }

  public static BlockRef of(int piece, int offset, int length) {
    return new BlockRef(new PieceIndex(piece), offset, length);
  }

  /** The offset just past this block inside its piece. */
  public long end() {
    return (long) offset + length;
  }

  @Override
  public String toString() {
    return piece + "@" + offset + "+" + length;
  }
}
