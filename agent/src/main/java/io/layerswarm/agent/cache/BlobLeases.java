package io.layerswarm.agent.cache;

import io.layerswarm.core.Digest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts who is using each blob right now (a response reading it), so the cache janitor never
 * evicts a blob in use. Thread-safe; leases are cheap and closing one twice is harmless.
 */
public final class BlobLeases {
  private final ConcurrentMap<Digest, Integer> holders = new ConcurrentHashMap<>();

  /** Marks {@code digest} in use until the returned lease is closed. */
  public Lease acquire(Digest digest) {
    holders.merge(digest, 1, Integer::sum);
    return new Lease(digest);
  }

  public boolean isLeased(Digest digest) {
    return holders.containsKey(digest);
  }

  /** The digests in use now (a snapshot). */
  public Set<Digest> leased() {
    return Set.copyOf(holders.keySet());
  }

  /** One use of one blob. */
  public final class Lease implements AutoCloseable {
    private final Digest digest;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(Digest digest) {
      this.digest = digest;
    }

    public Digest digest() {
      return digest;
    }

    /** Ends this use. Idempotent. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        holders.computeIfPresent(digest, (d, count) -> count == 1 ? null : count - 1);
      }
    }
  }
}
