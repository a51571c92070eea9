package io.layerswarm.swarm;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Reads and drives a torrent on its own event loop, so that tests see loop-owned state safely and
 * wait on futures rather than sleeping.
 */
final class LoopProbe {
  /** How often a condition is re-checked on the loop. */
  private static final long RECHECK_MILLIS = 10;

  private LoopProbe() {}

  /** Runs {@code read} on the torrent's loop and returns its result. */
  static <T> T onLoop(TorrentSession session, Supplier<T> read) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    session.execute(
        () -> {
          try {
            result.complete(read.get());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result.get(30, TimeUnit.SECONDS);
  }

  /** Runs one periodic tick of the torrent now (after the test moved its clock); waits for it. */
  static void tick(TorrentSession session) throws Exception {
    onLoop(
        session,
        () -> {
          session.tick();
          return null;
        });
  }

  /**
   * Waits until {@code condition}, checked on the torrent's loop, holds; fails after {@code
   * timeout} with {@code what} in the message.
   */
  static void awaitOnLoop(
      TorrentSession session, String what, Duration timeout, BooleanSupplier condition)
      throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.execute(() -> check(session, condition, done));
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      done.cancel(false); // Stops the re-checks.
      throw new AssertionError("timed out after " + timeout + " waiting until " + what);
    }
  }

  private static void check(
      TorrentSession session, BooleanSupplier condition, CompletableFuture<Void> done) {
    if (done.isDone()) {
      return;
    }
    try {
      if (condition.getAsBoolean()) {
        done.complete(null);
      } else {
        session
            .loop()
            .schedule(() -> check(session, condition, done), RECHECK_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (Throwable t) {
      done.completeExceptionally(t);
    }
  }
}
