package io.layerswarm.seeder.evict;

import io.layerswarm.core.Digest;

/** A blob {@link EvictionPolicy} chose, and why. */
public record Eviction(Digest digest, long sizeBytes, Reason reason) {
  public enum Reason {
    /** Not used for {@code seeder.time-to-idle}. */
    IDLE,
    /** Least recently used while the held bytes were above {@code seeder.disk-high-watermark}. */
    DISK,
    /** Least recently used while the file system had less than {@code seeder.disk-free-min}. */
    FREE_SPACE,
    /** An operator asked for it (admin {@code Evict}). */
    REQUEST;

    /** The metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
