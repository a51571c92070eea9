package io.layerswarm.registry.client;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Abandons a transfer that stops making progress, or makes too little: every period it compares the
 * byte count with the previous check, and when fewer than the minimum arrived in between (no byte
 * at all, or an origin that trickles) it closes the transfer's stream, which makes the blocked
 * reader fail. A stall is therefore detected between one and two periods after the transfer slowed
 * down. Used for blob bodies from an origin, by the seeder and the agent.
 *
 * <p>{@link #progressed} is called by the reading thread; checks run on the {@code timer} executor,
 * which runs each task it is given one period later.
 */
public final class StallWatchdog implements AutoCloseable {
  private final Executor timer;
  private final long minBytesPerPeriod;
  private final Closeable onStall;
  private final AtomicLong bytes = new AtomicLong();
  private volatile boolean stopped;
  private volatile boolean fired;
  private long bytesAtLastCheck; // only touched by checks, which never overlap

  private StallWatchdog(Executor timer, long minBytesPerPeriod, Closeable onStall) {
    this.timer = timer;
    this.minBytesPerPeriod = Math.max(1, minBytesPerPeriod);
    this.onStall = onStall;
  }

  /**
   * Watches with a timer on the JDK's shared delay scheduler: each {@code period} must bring at
   * least {@code minBytesPerSecond} times its length in seconds, and at least one byte.
   */
  public static StallWatchdog start(Duration period, long minBytesPerSecond, Closeable onStall) {
    return start(
        CompletableFuture.delayedExecutor(period.toNanos(), TimeUnit.NANOSECONDS),
        minBytesPerPeriod(period, minBytesPerSecond),
        onStall);
  }

  /**
   * Watches with {@code timer}, an executor that runs each task one period after it is given; each
   * period must bring {@code minBytesPerPeriod} (at least 1).
   */
  public static StallWatchdog start(Executor timer, long minBytesPerPeriod, Closeable onStall) {
    StallWatchdog watchdog = new StallWatchdog(timer, minBytesPerPeriod, onStall);
    timer.execute(watchdog::check);
    return watchdog;
  }

  /** The bytes a period of {@code period} must bring at {@code minBytesPerSecond}, at least 1. */
  static long minBytesPerPeriod(Duration period, long minBytesPerSecond) {
    long perPeriod = (long) (minBytesPerSecond * (period.toMillis() / 1000.0));
    return Math.max(1, perPeriod);
  }

  public void progressed(long byteCount) {
    bytes.addAndGet(byteCount);
  }

  /** Whether the watchdog gave up on the transfer and closed its stream. */
  public boolean fired() {
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
    if (now - bytesAtLastCheck < minBytesPerPeriod) {
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
