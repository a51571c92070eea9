package io.layerswarm.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts things that outside input creates (connections, peer entries) in total and per key (an IP
 * address, say) against two caps. {@link #acquire} reserves one atomically, so concurrent callers
 * never pass a cap together; {@link #release} gives it back. A key leaves the map with its last
 * one, so the map is bounded by the total cap. Thread-safe.
 */
public final class KeyedLimiter<K> {
  /** Which cap an {@link #acquire} met. */
  public enum Refusal {
    TOTAL,
    PER_KEY
  }

  private final int maxTotal;
  private final int maxPerKey;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<K, Integer> byKey = new ConcurrentHashMap<>();

  /**
   * @throws IllegalArgumentException if a cap is below 1
   */
  public KeyedLimiter(int maxTotal, int maxPerKey) {
    if (maxTotal < 1 || maxPerKey < 1) {
      throw new IllegalArgumentException("caps must be >= 1");
    }
    this.maxTotal = maxTotal;
    this.maxPerKey = maxPerKey;
  }

  /** Reserves one for {@code key}: null when admitted, else the cap it met (nothing reserved). */
  public Refusal acquire(K key) {
    if (!acquireTotal()) {
      return Refusal.TOTAL;
    }
    boolean[] admitted = {false};
    byKey.compute(
        key,
        (k, count) -> {
          int now = count == null ? 0 : count;
          if (now >= maxPerKey) {
            return count;
          }
          admitted[0] = true;
          return now + 1;
        });
    if (!admitted[0]) {
      total.decrementAndGet();
      return Refusal.PER_KEY;
    }
    return null;
  }

  /** Gives back one that {@link #acquire} admitted for {@code key}. */
  public void release(K key) {
    total.decrementAndGet();
    byKey.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
  }

  /** Reserves one against the total cap only, for a key without a cap of its own. */
  public boolean acquireTotal() {
    while (true) {
      int now = total.get();
      if (now >= maxTotal) {
        return false;
      }
      if (total.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back one that {@link #acquireTotal} admitted. */
  public void releaseTotal() {
    total.decrementAndGet();
  }

  /** How many are held now, in all. */
  public int total() {
    return total.get();
  }

  /** How many {@code key} holds now. */
  public int of(K key) {
    return byKey.getOrDefault(key, 0);
  }
}
