package io.layerswarm.seeder.evict;

import io.layerswarm.core.Digest;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each blob was last used (a metainfo request, an upload, the start of seeding it), for
 * time-to-idle and least-recently-used eviction. Every use also gets a new generation number, so an
 * eviction can tell that a blob was used between its decision and its act, even within one clock
 * tick. Thread-safe; lives in memory (after a restart every held blob counts as used at start).
 */
public final class AccessLog {
  private record Entry(Instant lastAccess, long generation) {}

  /** Generation of a blob with no entry. */
  public static final long NEVER = 0;

  private final ConcurrentHashMap<Digest, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong();

  /** Records a use at {@code now}; the last access never goes back in time. */
  public void touch(Digest digest, Instant now) {
    long generation = generations.incrementAndGet();
    entries.merge(
        digest,
        new Entry(now, generation),
        (old, fresh) ->
            new Entry(old.lastAccess().isAfter(now) ? old.lastAccess() : now, generation));
  }

  public Optional<Instant> lastAccess(Digest digest) {
    Entry entry = entries.get(digest);
    return entry == null ? Optional.empty() : Optional.of(entry.lastAccess());
  }

  /** Changes with every {@link #touch}; {@link #NEVER} when there is no entry. */
  public long generation(Digest digest) {
    Entry entry = entries.get(digest);
    return entry == null ? NEVER : entry.generation();
  }

  public void forget(Digest digest) {
    entries.remove(digest);
  }
}
