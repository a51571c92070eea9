package io.layerswarm.tracker.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool for blocking calls, so that they never hold a Netty event loop: the tracker has
 * one for every peer-store call (a Redis round trip, or a Redis timeout) and one for metainfo
 * fetches. At most {@code threads} calls run and {@code queue} more wait; past that a call fails at
 * once with {@link RejectedExecutionException}, which the endpoints answer as "busy".
 */
public final class BoundedExecutor implements AutoCloseable {
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final ThreadPoolExecutor executor;

  /**
   * @param name the threads' name prefix, e.g. {@code tracker-store}
   */
  public BoundedExecutor(String name, int threads, int queue) {
    AtomicInteger ids = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            runnable -> {
              Thread thread = new Thread(runnable, name + "-" + ids.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code call} on the pool. The future completes on a pool thread with the result or the
   * exception thrown, or at once with {@link RejectedExecutionException} when the pool is full or
   * closed. Never blocks.
   */
  public <T> CompletableFuture<T> submit(Callable<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(call.call());
            } catch (Exception | Error e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** Interrupts running calls and drops waiting ones (their futures never complete); waits 2 s. */
  /** True once the pool has stopped (closed, or its threads can no longer be made). */
  public boolean stopped() {
    return executor.isShutdown();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
