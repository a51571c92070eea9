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

    if (settings.watermarksOn() && held > settings.highWatermarkBytes()) {
      for (BlobUsage blob : kept) {
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
    return List.copyOf(chosen);
  }

  private static Duration idleFor(BlobUsage blob, Instant now) {
    Duration idle = Duration.between(blob.lastAccess(), now);
    return idle.isNegative() ? Duration.ZERO : idle;
  }
}
