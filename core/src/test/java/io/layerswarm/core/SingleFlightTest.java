package io.layerswarm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
  private final SingleFlight<String, Integer> flights = new SingleFlight<>();

  @Test
  void callsForTheSameKeyShareOneStart() {
    AtomicInteger starts = new AtomicInteger();
    CompletableFuture<Integer> work = new CompletableFuture<>();
    CompletableFuture<Integer> a = flights.run("k", k -> bump(starts, work));
    CompletableFuture<Integer> b = flights.run("k", k -> bump(starts, work));

    assertThat(starts).hasValue(1);
    assertThat(flights.inFlight("k")).isTrue();
    work.complete(7);
    assertThat(a).isCompletedWithValue(7);
    assertThat(b).isCompletedWithValue(7);
    assertThat(flights.size()).isZero();
  }

  @Test
  void differentKeysRunApart() {
    AtomicInteger starts = new AtomicInteger();
    flights.run("a", k -> bump(starts, new CompletableFuture<>()));
    flights.run("b", k -> bump(starts, new CompletableFuture<>()));
    assertThat(starts).hasValue(2);
    assertThat(flights.keys()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aCallAfterCompletionStartsAnew() {
    AtomicInteger starts = new AtomicInteger();
    flights.run("k", k -> bump(starts, CompletableFuture.completedFuture(1)));
    CompletableFuture<Integer> second =
        flights.run("k", k -> bump(starts, CompletableFuture.completedFuture(2)));
    assertThat(starts).hasValue(2);
    assertThat(second).isCompletedWithValue(2);
  }

  @Test
  void aCallerReactingToTheResultStartsANewFlightNotTheFinishedOne() {
    CompletableFuture<Integer> work = new CompletableFuture<>();
    CompletableFuture<Integer> again = new CompletableFuture<>();
    flights
        .run("k", k -> work)
        .thenRun(
            () ->
                flights
                    .run("k", k -> CompletableFuture.completedFuture(9))
                    .thenAccept(again::complete));
    work.complete(1);
    assertThat(again).isCompletedWithValue(9);
  }

  @Test
  void cancellingOneCallerLeavesTheOthersAndTheWork() {
    CompletableFuture<Integer> work = new CompletableFuture<>();
    CompletableFuture<Integer> a = flights.run("k", k -> work);
    CompletableFuture<Integer> b = flights.run("k", k -> work);
    a.cancel(true);
    assertThat(work).isNotCancelled();
    work.complete(3);
    assertThat(b).isCompletedWithValue(3);
  }

  @Test
  void aStartThatThrowsFailsTheFlightAndFreesTheKey() {
    CompletableFuture<Integer> failed =
        flights.run(
            "k",
            k -> {
              throw new IllegalStateException("no upstream for k");
            });
    assertThatThrownBy(failed::get)
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("no upstream for k");
    assertThat(flights.inFlight("k")).isFalse();
  }

  @Test
  void failedWorkReachesEveryCaller() {
    CompletableFuture<Integer> work = new CompletableFuture<>();
    CompletableFuture<Integer> a = flights.run("k", k -> work);
    CompletableFuture<Integer> b = flights.run("k", k -> work);
    work.completeExceptionally(new IllegalStateException("origin said 500"));
    assertThat(a).isCompletedExceptionally();
    assertThat(b).isCompletedExceptionally();
    assertThat(flights.current("k")).isEmpty();
  }

  @Test
  void manyThreadsAtOnceStartOnce() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    CompletableFuture<Integer> work = new CompletableFuture<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      CompletableFuture<?>[] calls = new CompletableFuture<?>[64];
      for (int i = 0; i < calls.length; i++) {
        calls[i] =
            CompletableFuture.supplyAsync(
                    () -> {
                      awaitQuietly(go);
                      return flights.run("k", k -> bump(starts, work));
                    },
                    pool)
                .thenCompose(f -> f);
      }
      go.countDown();
      pool.shutdown();
      // Every call has returned its future once the pool is done; the work is still open.
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      work.complete(5);
      CompletableFuture.allOf(calls).get(10, TimeUnit.SECONDS);
      assertThat(starts).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Work that callers share while it runs, as a transfer that readers stream from. */
  private static final class Download {
    final String key;
    int starts;

    Download(String key) {
      this.key = key;
    }
  }

  private final SingleFlight.Shared<String, Download> downloads = new SingleFlight.Shared<>();

  @Test
  void callersOfSharedWorkGetTheSameObjectAndOnlyTheFirstStartsIt() {
    Download a = downloads.join("k", Download::new, d -> d.starts++);
    Download b = downloads.join("k", Download::new, d -> d.starts++);

    assertThat(b).isSameAs(a);
    assertThat(a.starts).isEqualTo(1);
    assertThat(downloads.current("k")).containsSame(a);
    assertThat(downloads.running()).containsExactly(a);
    assertThat(downloads.keys()).containsExactly("k");
  }

  @Test
  void sharedWorkThatLandedIsNotJoinedAgain() {
    Download first = downloads.join("k", Download::new, d -> {});

    assertThat(downloads.land("k", first)).isTrue();
    Download second = downloads.join("k", Download::new, d -> d.starts++);

    assertThat(second).isNotSameAs(first);
    assertThat(second.starts).isEqualTo(1);
    assertThat(downloads.land("k", first)).as("landing twice changes nothing").isFalse();
    assertThat(downloads.current("k")).containsSame(second);
  }

  @Test
  void sharedWorkMayLandWhileItStarts() {
    Download done = downloads.join("k", Download::new, d -> downloads.land("k", d));

    assertThat(done.key).isEqualTo("k");
    assertThat(downloads.size()).isZero();
  }

  @Test
  void sharedWorkWhoseStartThrowsLandsAndTheErrorReachesTheCaller() {
    assertThatThrownBy(
            () ->
                downloads.join(
                    "k",
                    Download::new,
                    d -> {
                      throw new IllegalStateException("disk full");
                    }))
        .hasMessage("disk full");

    assertThat(downloads.current("k")).isEmpty();
  }

  @Test
  void manyThreadsJoiningSharedWorkStartItOnce() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Download>> joined = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        joined.add(
            pool.submit(
                () -> {
                  awaitQuietly(go);
                  return downloads.join("k", Download::new, d -> starts.incrementAndGet());
                }));
      }
      go.countDown();
      Download first = joined.get(0).get(10, TimeUnit.SECONDS);
      for (Future<Download> each : joined) {
        assertThat(each.get(10, TimeUnit.SECONDS)).isSameAs(first);
      }
      assertThat(starts).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static CompletableFuture<Integer> bump(
      AtomicInteger starts, CompletableFuture<Integer> work) {
    starts.incrementAndGet();
    return work;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
