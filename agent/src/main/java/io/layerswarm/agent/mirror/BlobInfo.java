package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;

/**
 * A blob's identity and size.
 *
 * @param size in bytes
 */
public record BlobInfo(Digest digest, long size) {
  public BlobInfo {
    if (digest == null) {
      throw new IllegalArgumentException("digest is required");
    }
    if (size < 0) {
      throw new IllegalArgumentException("blob size must be >= 0: " + size);
    }
  }
}
