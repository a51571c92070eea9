package io.layerswarm.seeder.evict;

import java.time.Duration;
import java.util.Objects;

/**
 * When blobs are evicted.
 *
 * @param highWatermarkBytes when the held blobs add up to more than this, the least recently used
 *     idle ones are evicted down to {@code lowWatermarkBytes}; 0 turns this off ({@code
 *     seeder.disk-high-watermark})
 * @param lowWatermarkBytes the target of a watermark eviction, at most the high watermark ({@code
 *     seeder.disk-low-watermark})
 * @param timeToIdle a blob neither requested nor uploaded for this long is evicted; zero turns this
 *     off ({@code seeder.time-to-idle})
 * @param grace a blob used this recently is never evicted for space: a client that was just given
 *     its metainfo may not have connected yet
 */
public record EvictionSettings(
    long highWatermarkBytes, long lowWatermarkBytes, Duration timeToIdle, Duration grace) {
  /** Default {@link #grace}. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);

  public EvictionSettings {
    Objects.requireNonNull(timeToIdle, "timeToIdle");
    Objects.requireNonNull(grace, "grace");
    if (highWatermarkBytes < 0) {
      throw new IllegalArgumentException(
          "seeder.disk-high-watermark must be >= 0 (0 = off): " + highWatermarkBytes);
    }
    if (lowWatermarkBytes < 0 || lowWatermarkBytes > highWatermarkBytes) {
      throw new IllegalArgumentException(
          "seeder.disk-low-watermark must be between 0 and"
              + " seeder.disk-high-watermark ("
              + highWatermarkBytes
              + "): "
              + lowWatermarkBytes);
    }
    if (timeToIdle.isNegative()) {
      throw new IllegalArgumentException(
          "seeder.time-to-idle must be >= 0 (0 = off): " + timeToIdle);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("eviction grace must be >= 0: " + grace);
    }
  }

  /** No eviction at all. */
  public static EvictionSettings off() {
    return new EvictionSettings(0, 0, Duration.ZERO, DEFAULT_GRACE);
  }

  public boolean watermarksOn() {
    return highWatermarkBytes > 0;
  }

  public boolean timeToIdleOn() {
    return !timeToIdle.isZero();
  }

  public boolean enabled() {
    return watermarksOn() || timeToIdleOn();
  }
}
