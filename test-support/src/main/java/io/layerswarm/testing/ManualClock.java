package io.layerswarm.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when the test says so. Thread-safe: code under test may read it on its
 * own threads (event loops, executors) while the test thread advances it.
 */
public final class ManualClock implements InstantSource {
  /** Where every manual clock starts unless told otherwise; any fixed instant would do. */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  public ManualClock() {
    this(EPOCH);
  }

  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock forward by {@code duration}, which must not be negative. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + duration);
    }
    now.updateAndGet(t -> t.plus(duration));
  }

  /** Moves the clock to {@code instant}, which must not be before now. */
  public void set(Instant instant) {
    now.updateAndGet(
        t -> {
          if (instant.isBefore(t)) {
            throw new IllegalArgumentException("a clock does not go back: " + t + " -> " + instant);
          }
          return instant;
        });
  }
}
