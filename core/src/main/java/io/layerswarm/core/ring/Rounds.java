package io.layerswarm.core.ring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an asynchronous round periodically, never two at once: a round still waiting for an answer
 * makes the next scheduled one skip. Used by {@link HealthChecker} and {@link RingSync}.
 */
final class Rounds implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Rounds.class);

  private final String what;
  private final Supplier<CompletableFuture<Void>> round;
  private final AtomicBoolean running = new AtomicBoolean();
  private ScheduledFuture<?> schedule;

  Rounds(String what, Supplier<CompletableFuture<Void>> round) {
    this.what = what;
    this.round = round;
  }

  /** Every {@code interval} on {@code scheduler} (the caller's), the first at once; call once. */
  synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
    if (schedule != null) {
      throw new IllegalStateException(what + " already started");
    }
    schedule =
        scheduler.scheduleWithFixedDelay(
            this::scheduled, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void scheduled() {
    if (!running.compareAndSet(false, true)) {
      return; // the previous round still waits for an answer
    }
    try {
      round.get().whenComplete((v, e) -> running.set(false));
    } catch (RuntimeException e) {
      running.set(false);
      log.warn("{} round failed to start", what, e);
    }
  }

  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.cancel(false);
    }
  }
}
