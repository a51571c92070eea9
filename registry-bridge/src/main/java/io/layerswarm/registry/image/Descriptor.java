package io.layerswarm.registry.image;

import io.layerswarm.core.Digest;
import java.util.Objects;
import java.util.Optional;

/**
 * A content descriptor (OCI image spec {@code descriptor.md}): what a manifest says about a blob or
 * a child manifest.
 *
 * @param size bytes, as the manifest declares it
 * @param platform only on the entries of an index, when given
 */
public record Descriptor(String mediaType, Digest digest, long size, Optional<Platform> platform) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException(
          "descriptor of " + digest + " has a negative size " + size);
    }
    platform = platform == null ? Optional.empty() : platform;
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, Optional.empty());
  }
}
