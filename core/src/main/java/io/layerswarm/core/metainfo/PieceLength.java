package io.layerswarm.core.metainfo;

/**
 * Piece length for a blob size: a power of two that gives roughly 1000-2000 pieces, clamped to [256
 * KiB, 16 MiB].
 */
public final class PieceLength {
  public static final int MIN = 256 * 1024;
  public static final int MAX = 16 * 1024 * 1024;

  private PieceLength() {}

  public static int forSize(long size) {
    int length = MIN;
    while (length < MAX && size / length > 2000) {
      length <<= 1;
    }
    return length;
  }
}
