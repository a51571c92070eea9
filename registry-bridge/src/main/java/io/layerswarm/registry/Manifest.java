package io.layerswarm.registry;

import io.layerswarm.core.Digest;
import java.util.Arrays;

/** A manifest exactly as the registry returned it: bytes, media type and digest. */
public record Manifest(byte[] bytes, String mediaType, Digest digest) {
  public Manifest {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m
        && Arrays.equals(bytes, m.bytes)
        && mediaType.equals(m.mediaType)
        && digest.equals(m.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
  }
}
