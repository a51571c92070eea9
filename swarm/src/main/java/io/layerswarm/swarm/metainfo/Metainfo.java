package io.layerswarm.swarm.metainfo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Single-file BitTorrent v1 metainfo (BEP 3). Always private (BEP 27): no DHT, no PEX. The info name
 * is the blob digest's hex.
 */
public final class Metainfo {
  private Metainfo() {}

  /** Parses .torrent bytes; the info hash is the SHA-1 of the raw info dictionary. */
  public static Metainfo parse(byte[] torrent) throws MetainfoException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Hashes {@code file} into pieces of {@code pieceLength} bytes and builds private metainfo. */
  public static Metainfo create(Path file, String name, List<URI> announce, int pieceLength)
      throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  public byte[] encode() {
    throw new UnsupportedOperationException("TODO");
  }

  public InfoHash infoHash() {
    throw new UnsupportedOperationException("TODO");
  }

  public String name() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Total length in bytes. */
  public long length() {
    throw new UnsupportedOperationException("TODO");
  }

  public int pieceLength() {
    throw new UnsupportedOperationException("TODO");
  }

  public int pieceCount() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The 20-byte SHA-1 of piece {@code index}. */
  public byte[] pieceHash(int index) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Tracker announce URLs: "announce" first, then the "announce-list" tiers flattened. */
  public List<URI> announce() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The same info dictionary with other announce URLs (the info hash does not change). */
  public Metainfo withAnnounce(List<URI> announce) {
    throw new UnsupportedOperationException("TODO");
  }
}
