package io.layerswarm.core.metainfo;

/**
 * How a torrent of {@code length} bytes splits into pieces and blocks (the unit of a request).
 * Immutable.
 *
 * @param length total length in bytes
 * @param pieceLength nominal piece length in bytes; the last piece may be shorter
 * @param blockSize request size in bytes: {@link #BLOCK_SIZE} on the wire; the simulator may use
 *     larger blocks (up to a whole piece) to model fewer, bigger messages
 */
public record TorrentGeometry(long length, int pieceLength, int blockSize) {
  /** The request size every current client uses (BEP 3: 2^14). */
  public static final int BLOCK_SIZE = 16 * 1024;

  public TorrentGeometry {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    if (pieceLength <= 0) {
      throw new IllegalArgumentException("piece length must be > 0: " + pieceLength);
    }
    if (blockSize <= 0) {
      throw new IllegalArgumentException("block size must be > 0: " + blockSize);
    }
    if ((length + pieceLength - 1) / pieceLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many pieces");
    }
  }

  /** With 16 KiB blocks, as on the wire. */
  public TorrentGeometry(long length, int pieceLength) {
    this(length, pieceLength, BLOCK_SIZE);
  }

  /** The same pieces, requested in blocks of {@code blockSize} bytes. */
  public TorrentGeometry withBlockSize(int blockSize) {
    return new TorrentGeometry(length, pieceLength, blockSize);
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

  /** Number of blocks in {@code piece}; the last one may be shorter. */
  public int blockCount(int piece) {
    return (pieceSize(piece) + blockSize - 1) / blockSize;
  }

  /** The {@code block}-th block of {@code piece}. */
  public BlockRef block(int piece, int block) {
    int size = pieceSize(piece);
    long offset = (long) block * blockSize;
    if (block < 0 || offset >= size) {
      throw new IndexOutOfBoundsException("block " + block + " of piece " + piece);
    }
    return BlockRef.of(piece, (int) offset, (int) Math.min(blockSize, size - offset));
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
