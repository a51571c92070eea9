package io.layerswarm.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, with a deadline, for something a test can observe to become true: a counter, a state, a
 * file. It never proves that nothing happened; for that, advance a {@link ManualClock} or wait for
 * an explicit signal instead.
 */
public final class Await {
  /** How long a wait may last unless the caller says otherwise: generous for a loaded machine. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {}

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}; throws naming {@code what}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /**
   * Waits until {@code condition} holds, checking about every 5 ms.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /**
   * Like {@link #until(String, Duration, BooleanSupplier)}, and on a timeout adds {@code state}
   * (what the test saw last) to the message.
   */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<?> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        String seen = String.valueOf(state.get());
        throw new AssertionError(
            "timed out after "
                + timeout
                + " waiting for "
                + what
                + (seen.isEmpty() ? "" : "; last seen: " + seen));
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }
}
