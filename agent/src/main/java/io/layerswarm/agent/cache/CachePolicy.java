package io.layerswarm.agent.cache;

import io.layerswarm.core.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides which cached blobs to evict. A pure function of the entries and the time passed in: it
 * reads no clock, touches no file and holds no state, so it is tested with plain numbers.
 *
 * <p>Three rules, applied in order, never to a held entry ({@link CacheEntry.Hold}: in use now, or
 * pinned by {@code agent.pins}):
 *
 * <ol>
 *   <li><b>Time to idle:</b> an entry not accessed for {@code timeToIdle} or longer goes (when
 *       {@code timeToIdle} is positive).
 *   <li><b>Budget:</b> when the bytes of all entries (held ones and downloads in progress included)
 *       exceed the high watermark, the least recently accessed entries go until the total is at or
 *       below the low watermark, or nothing unheld is left. Watermarks are percentages of {@code
 *       maxBytes}; {@code maxBytes} 0 means no budget.
 *   <li><b>Free space:</b> when the file system is short of its free-space floor by some bytes (the
 *       caller measures that), the least recently accessed entries left go until they add up to
 *       those bytes, or nothing unheld is left.
 * </ol>
 *
 * @param maxBytes the cache budget in bytes, 0 for none
 * @param highWatermarkPercent eviction starts above this share of {@code maxBytes} (1 to 100)
 * @param lowWatermarkPercent eviction stops at or below this share (0 to the high watermark)
 * @param timeToIdle entries idle this long are evicted; zero turns the rule off
 */
public record CachePolicy(
    long maxBytes, int highWatermarkPercent, int lowWatermarkPercent, Duration timeToIdle) {

  /** Why an entry is evicted. */
  public enum Reason {
    /** not accessed within the time to idle */
    IDLE,
    /** least recently used while the cache is over its high watermark */
    OVER_BUDGET,
    /** least recently used while the file system is short of its free-space floor */
    FREE_SPACE
  }

  /** One decision: evict {@code digest} of {@code sizeBytes} bytes, for {@code reason}. */
  public record Eviction(Digest digest, long sizeBytes, Reason reason) {}

  public CachePolicy {
    if (maxBytes < 0) {
      throw new IllegalArgumentException(
          "cache max bytes must be >= 0 (0 = unlimited): " + maxBytes);
    }
    if (highWatermarkPercent < 1 || highWatermarkPercent > 100) {
      throw new IllegalArgumentException(
          "cache high watermark must be 1..100 percent: " + highWatermarkPercent);
    }
    if (lowWatermarkPercent < 0 || lowWatermarkPercent > highWatermarkPercent) {
      throw new IllegalArgumentException(
          "cache low watermark must be 0.."
              + highWatermarkPercent
              + " percent (at most the high watermark): "
              + lowWatermarkPercent);
    }
    if (timeToIdle == null || timeToIdle.isNegative()) {
      throw new IllegalArgumentException(
          "cache time to idle must be >= 0 (0 = off): " + timeToIdle);
    }
  }

  private static final Comparator<CacheEntry> LEAST_RECENTLY_USED =
      Comparator.comparing(CacheEntry::lastAccess).thenComparing(e -> e.digest().toString());

  /** A policy that never evicts. */
  public static CachePolicy unlimited() {
    return new CachePolicy(0, 90, 75, Duration.ZERO);
  }

  /** The high watermark in bytes, or {@link Long#MAX_VALUE} without a budget. */
  public long highWatermarkBytes() {
    return maxBytes == 0 ? Long.MAX_VALUE : percentOf(maxBytes, highWatermarkPercent);
  }

  /** The low watermark in bytes, or {@link Long#MAX_VALUE} without a budget. */
  public long lowWatermarkBytes() {
    return maxBytes == 0 ? Long.MAX_VALUE : percentOf(maxBytes, lowWatermarkPercent);
  }

  /**
   * The entries to evict at {@code now}, idle ones first, then least recently accessed first (ties
   * broken by digest, so the answer is deterministic).
   */
  public List<Eviction> evictions(List<CacheEntry> entries, Instant now) {
    return evictions(entries, now, 0);
  }

  /**
   * The entries to evict at {@code now}, as {@link #evictions(List, Instant)}, and then more, least
   * recently accessed first, until the evictions add up to {@code bytesToFree} (what the file
   * system lacks of its free-space floor).
   */
  public List<Eviction> evictions(List<CacheEntry> entries, Instant now, long bytesToFree) {
    List<Eviction> result = budgetEvictions(entries, now);
    long freed = 0;
    for (Eviction eviction : result) {
      freed = saturatedAdd(freed, eviction.sizeBytes());
    }
    if (freed >= bytesToFree) {
      return result;
    }
    List<CacheEntry> left = new ArrayList<>();
    for (CacheEntry entry : entries) {
      if (!entry.held() && result.stream().noneMatch(e -> e.digest().equals(entry.digest()))) {
        left.add(entry);
      }
    }
    left.sort(LEAST_RECENTLY_USED);
    for (CacheEntry entry : left) {
      if (freed >= bytesToFree) {
        break;
      }
      result.add(new Eviction(entry.digest(), entry.sizeBytes(), Reason.FREE_SPACE));
      freed = saturatedAdd(freed, entry.sizeBytes());
    }
    return result;
  }

  private List<Eviction> budgetEvictions(List<CacheEntry> entries, Instant now) {
    List<Eviction> result = new ArrayList<>();
    List<CacheEntry> kept = new ArrayList<>();
    long total = 0;
    for (CacheEntry entry : entries) {
      if (!entry.held() && isIdle(entry, now)) {
        result.add(new Eviction(entry.digest(), entry.sizeBytes(), Reason.IDLE));
      } else {
        kept.add(entry);
        total = saturatedAdd(total, entry.sizeBytes());
      }
    }
    if (maxBytes == 0 || total <= highWatermarkBytes()) {
      return result;
    }
    long low = lowWatermarkBytes();
    kept.sort(LEAST_RECENTLY_USED);
    for (CacheEntry entry : kept) {
      if (total <= low) {
        break;
      }
      if (!entry.held()) {
        result.add(new Eviction(entry.digest(), entry.sizeBytes(), Reason.OVER_BUDGET));
        total -= entry.sizeBytes();
      }
    }
    return result;
  }

  private boolean isIdle(CacheEntry entry, Instant now) {
    return !timeToIdle.isZero() && !entry.lastAccess().plus(timeToIdle).isAfter(now);
  }

  /** {@code bytes * percent / 100} without overflow, rounded down. */
  static long percentOf(long bytes, int percent) {
    return bytes / 100 * percent + bytes % 100 * percent / 100;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
