package io.layerswarm.seeder.seeding;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Abandons a transfer that stops making progress: every period it compares the byte count with the
 * previous check, and when nothing arrived in between it closes the transfer's stream, which makes
 * the blocked reader fail. A stall is therefore detected between one and two periods after the last
 * byte.
 *
 * <p>{@link #progressed} is called by the reading thread; checks run on the {@code timer} executor,
 * which runs each task it is given one period later.
 */
final class StallWatchdog implements AutoCloseable {
  private final Executor timer;
  private final Closeable onStall;
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean stopped;
  private volatile boolean fired;
  private long bytesAtLastCheck; // only touched by checks, which never overlap

  private StallWatchdog(Executor timer, Closeable onStall) {
    this.timer = timer;
    this.onStall = onStall;
  }

  /** Watches with a timer on the JDK's shared delay scheduler. */
  static StallWatchdog start(Duration period, Closeable onStall) {
    return start(
        CompletableFuture.delayedExecutor(period.toNanos(), TimeUnit.NANOSECONDS), onStall);
  }

  /** Watches with {@code timer}, an executor that runs each task one period after it is given. */
  static StallWatchdog start(Executor timer, Closeable onStall) {
    StallWatchdog watchdog = new StallWatchdog(timer, onStall);
    timer.execute(watchdog::check);
    return watchdog;
  }

  void progressed(long byteCount) {
    bytes.addAndGet(byteCount);
  }

  /** Whether the watchdog gave up on the transfer and closed its stream. */
  boolean fired() {
    return fired;
  }

  @Override
  public void close() {
    stopped = true;
  }

  private void check() {
    if (stopped) {
      return;
    }
    long now = bytes.get();
    if (now == bytesAtLastCheck) {
      fired = true;
      try {
        onStall.close();
      } catch (IOException | RuntimeException e) {
        // The reader fails either way; a failing close changes nothing for it.
      }
      return;
    }
    bytesAtLastCheck = now;
    timer.execute(this::check);
  }
}
