package io.layerswarm.core.metainfo;

/**
 * How a torrent of {@code length} bytes splits into pieces and 16 KiB blocks. Immutable.
 *
 * @param length total length in bytes
 * @param pieceLength nominal piece length in bytes; the last piece may be shorter
 */
public record TorrentGeometry(long length, int pieceLength) {
  /** The request size every current client uses (BEP 3: 2^14). */
  public static final int BLOCK_SIZE = 16 * 1024;

  public TorrentGeometry {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    if (pieceLength <= 0) {
      throw new IllegalArgumentException("piece length must be > 0: " + pieceLength);
    }
    if ((length + pieceLength - 1) / pieceLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many pieces");
    }
  }

  public int pieceCount() {
    return (int) ((length + pieceLength - 1) / pieceLength);
  }

  /** Length in bytes of {@code piece}. */
  public int pieceSize(int piece) {
    checkPiece(piece);
    return (int) Math.min(pieceLength, length - (long) piece * pieceLength);
  }

  /** Byte offset of {@code piece} in the file. */
  public long pieceOffset(int piece) {
    checkPiece(piece);
    return (long) piece * pieceLength;
  }

  /** Number of {@link #BLOCK_SIZE} blocks in {@code piece}; the last one may be shorter. */
  public int blockCount(int piece) {
    return (pieceSize(piece) + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  /** The {@code block}-th block of {@code piece}. */
  public BlockRef block(int piece, int block) {
    int size = pieceSize(piece);
    int offset = block * BLOCK_SIZE;
    if (block < 0 || offset >= size) {
      throw new IndexOutOfBoundsException("block " + block + " of piece " + piece);
    }
    return BlockRef.of(piece, offset, Math.min(BLOCK_SIZE, size - offset));
  }

  /** Whether {@code block} lies inside its piece, which lies inside the torrent. */
  public boolean contains(BlockRef block) {
    int piece = block.piece().value();
    return piece < pieceCount() && block.end() <= pieceSize(piece);
  }

  /** The piece that holds byte {@code offset}. */
  public int pieceAt(long offset) {
    if (offset < 0 || offset >= length) {
      throw new IndexOutOfBoundsException("offset " + offset + " of " + length);
    }
    return (int) (offset / pieceLength);
  }

  private void checkPiece(int piece) {
    if (piece < 0 || piece >= pieceCount()) {
      throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount());
    }
  }
}
