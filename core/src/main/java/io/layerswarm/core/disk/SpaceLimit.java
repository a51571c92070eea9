package io.layerswarm.core.disk;

/**
 * An amount of disk space given in bytes or as a share of a file system ({@code 10%}), resolved
 * against the file system's size when it is used, so one config fits hosts with different disks.
 * Zero bytes (the default) means "off".
 *
 * @param bytes the amount in bytes, when {@code percent} is 0
 * @param percent the share of the file system, 1 to 100; 0 when given in bytes
 */
public record SpaceLimit(long bytes, int percent) {
  /** No limit. */
  public static final SpaceLimit OFF = new SpaceLimit(0, 0);

  public SpaceLimit {
    if (bytes < 0) {
      throw new IllegalArgumentException("a space limit must be >= 0 bytes: " + bytes);
    }
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("a space limit's share must be 0..100%: " + percent);
    }
    if (percent > 0 && bytes > 0) {
      throw new IllegalArgumentException("a space limit is bytes or a share, not both");
    }
  }

  public static SpaceLimit ofBytes(long bytes) {
    return new SpaceLimit(bytes, 0);
  }

  public static SpaceLimit ofPercent(int percent) {
    return new SpaceLimit(0, percent);
  }

  public boolean isOff() {
    return bytes == 0 && percent == 0;
  }

  /** The limit in bytes on a file system of {@code totalBytes}. */
  public long resolve(long totalBytes) {
    if (percent == 0) {
      return bytes;
    }
    return totalBytes / 100 * percent + totalBytes % 100 * percent / 100;
  }

  /** As config takes it: {@code 10%}, or a byte count. */
  @Override
  public String toString() {
    return percent > 0 ? percent + "%" : Long.toString(bytes);
  }
}
