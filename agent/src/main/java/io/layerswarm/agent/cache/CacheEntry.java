package io.layerswarm.agent.cache;

import io.layerswarm.core.Digest;
import java.time.Instant;

/**
 * One blob as the {@link CachePolicy} sees it.
 *
 * @param sizeBytes bytes it takes (for a download in progress: its expected size, or 0 when not
 *     known yet)
 * @param lastAccess when a client last read it or a peer last downloaded from it (after a restart:
 *     the file's modification time, which every hit refreshes)
 * @param pinned true while it must stay: a client is reading it, a peer is downloading from it, or
 *     it is still being fetched
 */
public record CacheEntry(Digest digest, long sizeBytes, Instant lastAccess, boolean pinned) {
  public CacheEntry {
    if (digest == null || lastAccess == null) {
      throw new IllegalArgumentException("digest and lastAccess are required");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("size of " + digest + " must be >= 0: " + sizeBytes);
    }
  }
}
