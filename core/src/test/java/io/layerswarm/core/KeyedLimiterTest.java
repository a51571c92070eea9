package io.layerswarm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyedLimiterTest {
  @Test
  void oneKeyCannotTakeMoreThanItsShare() {
    KeyedLimiter<String> limiter = new KeyedLimiter<>(10, 2);

    assertThat(limiter.acquire("a")).isNull();
    assertThat(limiter.acquire("a")).isNull();
    assertThat(limiter.acquire("a")).isEqualTo(KeyedLimiter.Refusal.PER_KEY);
    assertThat(limiter.acquire("b")).isNull();

    assertThat(limiter.total()).isEqualTo(3);
    assertThat(limiter.of("a")).isEqualTo(2);
  }

  @Test
  void theTotalCapHoldsOverAllKeys() {
    KeyedLimiter<String> limiter = new KeyedLimiter<>(3, 2);
    limiter.acquire("a");
    limiter.acquire("b");
    limiter.acquire("c");

    assertThat(limiter.acquire("d")).isEqualTo(KeyedLimiter.Refusal.TOTAL);
    assertThat(limiter.acquireTotal()).isFalse();
    assertThat(limiter.of("d")).isZero();
  }

  @Test
  void releasedPlacesCanBeTakenAgainAndAnEmptyKeyIsForgotten() {
    KeyedLimiter<String> limiter = new KeyedLimiter<>(2, 1);
    limiter.acquire("a");
    limiter.acquire("b");

    limiter.release("a");

    assertThat(limiter.of("a")).isZero();
    assertThat(limiter.acquire("c")).isNull();
    assertThat(limiter.total()).isEqualTo(2);
  }

  @Test
  void unkeyedPlacesCountAgainstTheTotalOnly() {
    KeyedLimiter<String> limiter = new KeyedLimiter<>(2, 1);

    assertThat(limiter.acquireTotal()).isTrue();
    assertThat(limiter.acquire("a")).isNull();
    assertThat(limiter.acquireTotal()).isFalse();
    limiter.releaseTotal();
    assertThat(limiter.acquireTotal()).isTrue();
  }

  @Test
  void concurrentCallersNeverPassTheCapsTogether() throws Exception {
    KeyedLimiter<Integer> limiter = new KeyedLimiter<>(100, 30);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> admitted = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        admitted.add(
            pool.submit(
                () -> {
                  start.await();
                  int n = 0;
                  for (int i = 0; i < 1000; i++) {
                    if (limiter.acquire(i % 4) == null) {
                      n++;
                    }
                  }
                  return n;
                }));
      }
      start.countDown();
      int sum = 0;
      for (Future<Integer> f : admitted) {
        sum += f.get(30, TimeUnit.SECONDS);
      }
      assertThat(sum).isEqualTo(100);
      for (int key = 0; key < 4; key++) {
        assertThat(limiter.of(key)).isLessThanOrEqualTo(30);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
