package io.layerswarm.seeder.evict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which blobs to evict; a pure function of the blobs, the settings and {@code now}.
 *
 * <ol>
 *   <li>Busy blobs (uploading, being fetched) are never chosen.
 *   <li>With a time-to-idle, every other blob idle for at least that long is chosen ({@link
 *       Eviction.Reason#IDLE}).
 *   <li>With watermarks, when the held bytes left are above the high watermark, the least recently
 *       used of the remaining blobs that are idle for longer than the grace period are chosen until
 *       the held bytes are at or below the low watermark ({@link Eviction.Reason#DISK}). Busy blobs
 *       count towards the held bytes, so the policy may end above the low watermark when they are
 *       too many.
 *   <li>When the file system is short of its free-space floor by some bytes (the caller measures
 *       that), more of the remaining blobs idle for longer than the grace period are chosen, least
 *       recently used first, until they add up to those bytes ({@link Eviction.Reason#FREE_SPACE}).
 * </ol>
 *
 * Ties in last access are broken by digest, so the choice is deterministic.
 */
public final class EvictionPolicy {
  private static final Comparator<BlobUsage> LEAST_RECENTLY_USED =
      Comparator.comparing(BlobUsage::lastAccess).thenComparing(usage -> usage.digest().toString());

  private EvictionPolicy() {}

  /** The blobs to evict, idle ones first, then by least recent use. */
  public static List<Eviction> select(
      List<BlobUsage> blobs, EvictionSettings settings, Instant now) {
    return select(blobs, settings, now, 0);
  }

  /**
   * The blobs to evict, as {@link #select(List, EvictionSettings, Instant)}, and then more until
   * they add up to {@code bytesToFree}: what the file system lacks of its free-space floor.
   */
  public static List<Eviction> select(
      List<BlobUsage> blobs, EvictionSettings settings, Instant now, long bytesToFree) {
    List<Eviction> chosen = new ArrayList<>();
    long held = 0;
    List<BlobUsage> candidates = new ArrayList<>();
    for (BlobUsage blob : blobs) {
      held += blob.sizeBytes();
      if (!blob.busy()) {
        candidates.add(blob);
      }
    }
    candidates.sort(LEAST_RECENTLY_USED);

    List<BlobUsage> kept = new ArrayList<>(candidates.size());
    for (BlobUsage blob : candidates) {
      if (settings.timeToIdleOn() && idleFor(blob, now).compareTo(settings.timeToIdle()) >= 0) {
        chosen.add(new Eviction(blob.digest(), blob.sizeBytes(), Eviction.Reason.IDLE));
        held -= blob.sizeBytes();
      } else {
        kept.add(blob);
      }
    }

    int next = 0;
    if (settings.watermarksOn() && held > settings.highWatermarkBytes()) {
      for (; next < kept.size(); next++) {
        BlobUsage blob = kept.get(next);
        if (held <= settings.lowWatermarkBytes()) {
          break;
        }
        if (idleFor(blob, now).compareTo(settings.grace()) <= 0) {
          break; // sorted by last access: every later blob is used more recently still
        }
        chosen.add(new Eviction(blob.digest(), blob.sizeBytes(), Eviction.Reason.DISK));
        held -= blob.sizeBytes();
      }
    }
    long freed = 0;
    for (Eviction eviction : chosen) {
      freed += eviction.sizeBytes();
    }
    for (; next < kept.size() && freed < bytesToFree; next++) {
      BlobUsage blob = kept.get(next);
      if (idleFor(blob, now).compareTo(settings.grace()) <= 0) {
        break;
      }
      chosen.add(new Eviction(blob.digest(), blob.sizeBytes(), Eviction.Reason.FREE_SPACE));
      freed += blob.sizeBytes();
    }
    return List.copyOf(chosen);
  }

  private static Duration idleFor(BlobUsage blob, Instant now) {
    Duration idle = Duration.between(blob.lastAccess(), now);
    return idle.isNegative() ? Duration.ZERO : idle;
  }
}
