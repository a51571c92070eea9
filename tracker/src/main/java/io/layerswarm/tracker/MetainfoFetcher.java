package io.layerswarm.tracker;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link MetainfoSource} calls off the event loops, on a bounded pool, with single flight:
 * while a fetch for a (digest, registry, repo) runs, every other request for it waits for the same
 * result. When a thousand hosts start the same image at once, the seeders see one request per
 * layer, not a thousand.
 *
 * <p>At most {@code threads} fetches run and {@code queue} more wait; past that a fetch fails at
 * once with {@link RejectedExecutionException} (503 at the edge). Nothing is cached after a fetch
 * completes: the seeder keeps the blob, so a later request is cheap for it.
 */
final class MetainfoFetcher implements AutoCloseable {
  static final int DEFAULT_THREADS = 8;
  static final int DEFAULT_QUEUE = 64;
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final MetainfoSource source;
  private final ThreadPoolExecutor executor;
  private final ConcurrentHashMap<MetainfoRequest, CompletableFuture<byte[]>> inFlight =
      new ConcurrentHashMap<>();

  MetainfoFetcher(MetainfoSource source, int threads, int queue) {
    this.source = source;
    AtomicInteger ids = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            runnable -> {
              Thread thread = new Thread(runnable, "tracker-metainfo-" + ids.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * The metainfo for {@code request}; the future fails with {@link MetainfoUnavailableException} or
   * {@link RejectedExecutionException}. Each caller gets its own future, so cancelling one does not
   * affect the shared fetch. Never blocks.
   */
  CompletableFuture<byte[]> fetch(MetainfoRequest request) {
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> running = inFlight.putIfAbsent(request, mine);
    if (running != null) {
      return running.copy();
    }
    try {
      executor.execute(() -> run(request, mine));
    } catch (RejectedExecutionException e) {
      finish(request, mine, null, e);
    }
    return mine.copy();
  }

  private void run(MetainfoRequest request, CompletableFuture<byte[]> result) {
    try {
      byte[] bytes = source.metainfo(request.digest(), request.registry(), request.repo());
      finish(request, result, bytes, null);
    } catch (MetainfoUnavailableException | RuntimeException e) {
      finish(request, result, null, e);
    }
  }

  /** Leaves the single flight before completing, so a request after completion fetches anew. */
  private void finish(
      MetainfoRequest request, CompletableFuture<byte[]> result, byte[] bytes, Throwable error) {
    inFlight.remove(request, result);
    if (error == null) {
      result.complete(bytes);
    } else {
      result.completeExceptionally(error);
    }
  }

  /** Interrupts running fetches, and fails every pending one as unavailable. Bounded wait. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inFlight.forEach(
        (request, pending) ->
            finish(
                request,
                pending,
                null,
                MetainfoUnavailableException.unavailable("the tracker is closing", null)));
  }
}
