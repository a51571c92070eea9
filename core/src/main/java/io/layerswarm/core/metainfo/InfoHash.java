package io.layerswarm.core.metainfo;

import java.util.Arrays;
import java.util.HexFormat;

/** SHA-1 of a torrent's bencoded info dictionary: the key of a swarm. 20 bytes. */
public record InfoHash(byte[] bytes) {
  public static final int LENGTH = 20;

  public InfoHash {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("info hash must be 20 bytes");
    }
    bytes = bytes.clone();
  }

  public static InfoHash fromHex(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("info hash must be 40 hex characters: " + hex);
    }
    return new InfoHash(HexFormat.of().parseHex(hex));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InfoHash other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
