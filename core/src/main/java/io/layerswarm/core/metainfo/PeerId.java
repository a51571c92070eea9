package io.layerswarm.core.metainfo;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** A peer's 20-byte id (BEP 3). Ours start with the Azureus-style prefix {@code -LS0100-}. */
public record PeerId(byte[] bytes) {
  public static final int LENGTH = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  public PeerId {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("peer id must be 20 bytes");
    }
    bytes = bytes.clone();
  }

  public static PeerId random() {
    byte[] id = new byte[LENGTH];
    byte[] prefix = "-LS0100-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, id, 0, prefix.length);
    for (int i = prefix.length; i < LENGTH; i++) {
      id[i] = (byte) ('0' + RANDOM.nextInt(10));
    }
    return new PeerId(id);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
