package io.layerswarm.seeder.evict;

import io.layerswarm.core.Digest;
import java.time.Instant;
import java.util.Objects;

/**
 * One held blob as {@link EvictionPolicy} sees it.
 *
 * @param sizeBytes the blob's size
 * @param lastAccess the last metainfo request or upload activity (or when the seeder started
 *     seeding it)
 * @param busy uploading to a peer, being fetched, or otherwise pinned: never evicted
 */
public record BlobUsage(Digest digest, long sizeBytes, Instant lastAccess, boolean busy) {
  public BlobUsage {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(lastAccess, "lastAccess");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("blob " + digest + " has a negative size " + sizeBytes);
    }
  }
}
