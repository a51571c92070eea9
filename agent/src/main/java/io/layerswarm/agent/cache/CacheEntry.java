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
 * @param hold why it must stay, if it must
 */
public record CacheEntry(Digest digest, long sizeBytes, Instant lastAccess, Hold hold) {
  /** Why an entry is never evicted. */
  public enum Hold {
    /** nothing holds it: the policy may evict it */
    NONE,
    /** for now: a client is reading it, a peer is downloading from it, or it is being fetched */
    IN_USE,
    /** for as long as an image of {@code agent.pins} needs it */
    PINNED
  }

  public CacheEntry {
    if (digest == null || lastAccess == null || hold == null) {
      throw new IllegalArgumentException("digest, lastAccess and hold are required");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("size of " + digest + " must be >= 0: " + sizeBytes);
    }
  }

  /** True when the policy must leave it alone ({@link Hold#IN_USE} or {@link Hold#PINNED}). */
  public boolean held() {
    return hold != Hold.NONE;
  }
}
