package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedExecutorTest {
  @Test
  void aCallsResultOrExceptionCompletesItsFuture() throws Exception {
    try (BoundedExecutor executor = new BoundedExecutor("test", 1, 1)) {
      assertThat(executor.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
      CompletableFuture<Object> failed =
          executor.submit(
              () -> {
                throw new java.io.IOException("store down");
              });
      assertThat(failed)
          .failsWithin(10, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void beyondItsThreadsAndQueueACallIsRejectedAtOnce() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    try (BoundedExecutor executor = new BoundedExecutor("test", 1, 1)) {
      CompletableFuture<Boolean> busy =
          executor.submit(
              () -> {
                running.countDown();
                return gate.await(10, TimeUnit.SECONDS);
              });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Integer> queued = executor.submit(() -> 1);

      CompletableFuture<Integer> rejected = executor.submit(() -> 2);

      assertThat(rejected).isCompletedExceptionally();
      assertThat(rejected)
          .failsWithin(0, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(RejectedExecutionException.class);
      gate.countDown();
      assertThat(busy.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }
}
