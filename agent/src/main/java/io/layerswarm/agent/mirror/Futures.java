package io.layerswarm.agent.mirror;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Small bridges between checked, blocking calls and {@link CompletableFuture}s. */
final class Futures {
  private Futures() {}

  /** A blocking call that may throw a checked exception. */
  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  /**
   * Runs {@code call} on {@code executor}. The future fails with the call's own exception (not
   * wrapped), or with {@link MirrorBusyException} when the executor rejects the task.
   */
  static <T> CompletableFuture<T> supply(Call<T> call, Executor executor, String what) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(call.call());
            } catch (Throwable t) {
              result.completeExceptionally(t);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new MirrorBusyException("agent is busy, cannot " + what, e));
    }
    return result;
  }

  /** The exception a future failed with, without CompletionException/ExecutionException layers. */
  static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
