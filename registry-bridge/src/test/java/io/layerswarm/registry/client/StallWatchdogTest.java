package io.layerswarm.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
  /** A timer whose periods pass when the test says so. */
  private static final class ManualTimer implements Executor {
    private final ArrayDeque<Runnable> due = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      due.add(task);
    }

    void elapsePeriod() {
      int count = due.size();
      for (int i = 0; i < count; i++) {
        due.poll().run();
      }
    }

    int scheduled() {
      return due.size();
    }
  }

  private final ManualTimer timer = new ManualTimer();
  private final AtomicInteger closes = new AtomicInteger();
  private final Closeable stream = closes::incrementAndGet;

  @Test
  void transferWithoutAnyByteIsAbandonedAfterOnePeriod() {
    StallWatchdog watchdog = StallWatchdog.start(timer, 1, stream);

    timer.elapsePeriod();

    assertThat(watchdog.fired()).isTrue();
    assertThat(closes).hasValue(1);
    assertThat(timer.scheduled()).isZero();
  }

  @Test
  void transferThatKeepsReceivingBytesIsLeftAlone() {
    StallWatchdog watchdog = StallWatchdog.start(timer, 1, stream);
    for (int period = 0; period < 5; period++) {
      watchdog.progressed(1);
      timer.elapsePeriod();
    }

    assertThat(watchdog.fired()).isFalse();
    assertThat(closes).hasValue(0);
  }

  @Test
  void transferThatStopsReceivingIsAbandonedOnePeriodAfterTheCheckThatSawProgress() {
    StallWatchdog watchdog = StallWatchdog.start(timer, 1, stream);
    watchdog.progressed(100);
    timer.elapsePeriod();
    assertThat(watchdog.fired()).isFalse();

    timer.elapsePeriod();

    assertThat(watchdog.fired()).isTrue();
    assertThat(closes).hasValue(1);
  }

  @Test
  void closedWatchdogNeverClosesTheStream() {
    StallWatchdog watchdog = StallWatchdog.start(timer, 1, stream);
    watchdog.close();

    timer.elapsePeriod();

    assertThat(watchdog.fired()).isFalse();
    assertThat(closes).hasValue(0);
    assertThat(timer.scheduled()).isZero();
  }

  @Test
  void anOriginThatTricklesUnderTheMinimumIsAbandonedAtTheNextCheck() {
    StallWatchdog watchdog = StallWatchdog.start(timer, 1024, stream);
    watchdog.progressed(2000);
    timer.elapsePeriod();
    assertThat(watchdog.fired()).isFalse();

    watchdog.progressed(1023);
    timer.elapsePeriod();

    assertThat(watchdog.fired()).isTrue();
    assertThat(closes).hasValue(1);
  }

  @Test
  void theMinimumPerPeriodIsTheRateTimesThePeriodAndAtLeastOneByte() {
    assertThat(StallWatchdog.minBytesPerPeriod(Duration.ofSeconds(30), 16 * 1024))
        .isEqualTo(30 * 16 * 1024);
    assertThat(StallWatchdog.minBytesPerPeriod(Duration.ofMillis(500), 1000)).isEqualTo(500);
    assertThat(StallWatchdog.minBytesPerPeriod(Duration.ofSeconds(30), 0)).isEqualTo(1);
  }
}
