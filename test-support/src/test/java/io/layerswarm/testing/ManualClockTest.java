package io.layerswarm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void movesOnlyWhenAdvanced() {
    ManualClock clock = new ManualClock();
    assertThat(clock.instant()).isEqualTo(ManualClock.EPOCH);
    clock.advance(Duration.ofSeconds(3));
    assertThat(clock.instant()).isEqualTo(ManualClock.EPOCH.plusSeconds(3));
  }

  @Test
  void refusesToGoBack() {
    ManualClock clock = new ManualClock();
    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> clock.set(ManualClock.EPOCH))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
