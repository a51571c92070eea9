package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that real I/O (peer connections, transfers) brings about. Timing is never
 * asserted: it only bounds how long a broken test hangs.
 */
final class Await {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private Await() {}

  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("gave up after " + LIMIT + " waiting until " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }
}
