package io.layerswarm.tracker.http;

import io.layerswarm.core.SingleFlight;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs {@link MetainfoSource} calls off the event loops, on a bounded pool, with single flight:
 * while a fetch for a (digest, registry, repo) runs, every other request for it waits for the same
 * result. When a thousand hosts start the same image at once, the seeders see one request per
 * layer, not a thousand.
 *
 * <p>At most {@code threads} fetches run and {@code queue} more wait; past that a fetch fails at
 * once with {@link RejectedExecutionException} (503 at the edge). Nothing is cached after a fetch
 * completes: the seeder keeps the blob, so a later request is cheap for it. So the answers held are
 * those of the flights running and of the responses being written: one array per flight, shared by
 * its waiters (the handler wraps it, no copy), each at most {@code
 * HttpMetainfoSource.MAX_METAINFO_BYTES}; a tiny blob inlined by the seeder adds at most {@code
 * MetainfoAnswer.MAX_INLINE_BYTES} to its answer (decision 31), which passes through unparsed.
 */
public final class MetainfoFetcher implements AutoCloseable {
  public static final int DEFAULT_THREADS = 8;
  public static final int DEFAULT_QUEUE = 64;

  private final MetainfoSource source;
  private final BoundedExecutor executor;
  private final SingleFlight<MetainfoRequest, byte[]> flights = new SingleFlight<>();

  /** The fetches started and not finished (each one flight's work), failed by {@link #close}. */
  private final Set<CompletableFuture<byte[]>> open = ConcurrentHashMap.newKeySet();

  public MetainfoFetcher(MetainfoSource source, int threads, int queue) {
    this.source = source;
    this.executor = new BoundedExecutor("tracker-metainfo", threads, queue);
  }

  /**
   * The metainfo for {@code request}; the future fails with {@link MetainfoUnavailableException} or
   * {@link RejectedExecutionException}. Each caller gets its own future, so cancelling one does not
   * affect the shared fetch. Never blocks.
   */
  CompletableFuture<byte[]> fetch(MetainfoRequest request) {
    return flights.run(request, this::start);
  }

  private CompletableFuture<byte[]> start(MetainfoRequest request) {
    CompletableFuture<byte[]> result =
        executor.submit(
            () -> source.metainfo(request.digest(), request.registry(), request.repo()));
    open.add(result);
    result.whenComplete((bytes, error) -> open.remove(result));
    return result;
  }

  /** Interrupts running fetches, and fails every pending one as unavailable. Bounded wait. */
  @Override
  public void close() {
    executor.close();
    for (CompletableFuture<byte[]> pending : open) {
      pending.completeExceptionally(
          MetainfoUnavailableException.unavailable("the tracker is closing", null));
    }
  }
}
