package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetainfoFetcherTest {
  private static final MetainfoRequest A = request("a");
  private static final MetainfoRequest B = request("b");

  private static MetainfoRequest request(String hexChar) {
    return new MetainfoRequest(
        new Digest("sha256", hexChar.repeat(64)), "r", new RepositoryName("app"));
  }

  /** A source that blocks every call until released (at most 10 s), counting calls. */
  private static final class GatedSource implements MetainfoSource {
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public byte[] metainfo(Digest digest, String registry, RepositoryName repo)
        throws MetainfoUnavailableException {
      calls.incrementAndGet();
      entered.countDown();
      try {
        if (!gate.await(10, TimeUnit.SECONDS)) {
          throw MetainfoUnavailableException.unavailable("gate never opened", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw MetainfoUnavailableException.unavailable("interrupted", e);
      }
      if (digest.hex().startsWith("b")) {
        throw MetainfoUnavailableException.notFound("no " + digest);
      }
      return digest.hex().substring(0, 4).getBytes();
    }
  }

  private static Throwable failure(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void concurrentRequestsForOneBlobShareOneCallToTheSource() throws Exception {
    GatedSource source = new GatedSource();
    try (MetainfoFetcher fetcher = new MetainfoFetcher(source, 2, 2)) {
      CompletableFuture<byte[]> first = fetcher.fetch(A);
      CompletableFuture<byte[]> second = fetcher.fetch(A);
      assertThat(source.entered.await(10, TimeUnit.SECONDS)).isTrue();

      source.gate.countDown();

      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("aaaa".getBytes());
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("aaaa".getBytes());
      assertThat(source.calls).hasValue(1);
      // One array for every waiter, not a copy each: what bounds the tracker's memory for answers
      // (a tiny blob inlined by the seeder adds up to 64 KiB to one, decision 31).
      assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(first.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aFinishedFetchIsNotReusedForTheNextRequest() throws Exception {
    GatedSource source = new GatedSource();
    source.gate.countDown();
    try (MetainfoFetcher fetcher = new MetainfoFetcher(source, 1, 1)) {
      fetcher.fetch(A).get(10, TimeUnit.SECONDS);
      fetcher.fetch(A).get(10, TimeUnit.SECONDS);

      assertThat(source.calls).hasValue(2);
    }
  }

  @Test
  void notFoundReachesEveryWaiter() throws Exception {
    GatedSource source = new GatedSource();
    source.gate.countDown();
    try (MetainfoFetcher fetcher = new MetainfoFetcher(source, 1, 1)) {
      assertThat(failure(fetcher.fetch(B)))
          .isInstanceOfSatisfying(
              MetainfoUnavailableException.class, e -> assertThat(e.notFound()).isTrue());
    }
  }

  @Test
  void fetchesBeyondThePoolAndQueueAreRejectedAtOnce() throws Exception {
    GatedSource source = new GatedSource();
    try (MetainfoFetcher fetcher = new MetainfoFetcher(source, 1, 1)) {
      CompletableFuture<byte[]> running = fetcher.fetch(A);
      assertThat(source.entered.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<byte[]> queued = fetcher.fetch(B);
      CompletableFuture<byte[]> rejected = fetcher.fetch(request("c"));

      assertThat(failure(rejected)).isInstanceOf(RejectedExecutionException.class);
      source.gate.countDown();
      assertThat(running.get(10, TimeUnit.SECONDS)).isNotEmpty();
      assertThat(failure(queued)).isInstanceOf(MetainfoUnavailableException.class);
    }
  }

  @Test
  void closingFailsWaitingRequestsAsUnavailable() throws Exception {
    GatedSource source = new GatedSource();
    MetainfoFetcher fetcher = new MetainfoFetcher(source, 1, 1);
    CompletableFuture<byte[]> waiting = fetcher.fetch(A);
    assertThat(source.entered.await(10, TimeUnit.SECONDS)).isTrue();

    fetcher.close();

    assertThat(failure(waiting))
        .isInstanceOfSatisfying(
            MetainfoUnavailableException.class, e -> assertThat(e.notFound()).isFalse());
  }
}
