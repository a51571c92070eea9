package io.layerswarm.core.metainfo;

/** The zero-based index of a piece in a torrent (BEP 3). Validated to be non-negative. */
public record PieceIndex(int value) implements Comparable<PieceIndex> {
  public PieceIndex {
    if (value < 0) {
      throw new IllegalArgumentException("piece index must be >= 0: " + value);
    }
  }

  public static PieceIndex of(int value) {
    return new PieceIndex(value);
  }

  @Override
  public int compareTo(PieceIndex other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public String toString() {
    return "#" + value;
  }
}
