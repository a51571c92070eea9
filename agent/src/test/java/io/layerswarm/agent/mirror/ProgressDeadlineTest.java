package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressDeadlineTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void aTransferWithoutProgressExpiresExactlyAtTheDeadline() {
    ProgressDeadline deadline = new ProgressDeadline(Duration.ofSeconds(60), T0);
    assertThat(deadline.expired(at(59), 0)).isFalse();
    assertThat(deadline.expired(at(60), 0)).isTrue();
  }

  @Test
  void newlyVerifiedBytesRestartTheDeadline() {
    ProgressDeadline deadline = new ProgressDeadline(Duration.ofSeconds(60), T0);
    assertThat(deadline.expired(at(50), 1024)).isFalse();
    assertThat(deadline.expired(at(100), 1024)).isFalse();
    assertThat(deadline.expired(at(110), 1024)).isTrue();
    assertThat(deadline.idle(at(110))).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theSameByteCountIsNotProgress() {
    ProgressDeadline deadline = new ProgressDeadline(Duration.ofSeconds(10), T0);
    assertThat(deadline.expired(at(5), 100)).isFalse();
    assertThat(deadline.expired(at(14), 100)).isFalse();
    assertThat(deadline.expired(at(15), 100)).isTrue();
  }

  @Test
  void metainfoArrivingCountsAsProgress() {
    ProgressDeadline deadline = new ProgressDeadline(Duration.ofSeconds(10), T0);
    deadline.progressed(at(8));
    assertThat(deadline.expired(at(17), 0)).isFalse();
    assertThat(deadline.expired(at(18), 0)).isTrue();
  }

  @Test
  void aClockGoingBackwardsNeitherExpiresNorExtends() {
    ProgressDeadline deadline = new ProgressDeadline(Duration.ofSeconds(10), at(100));
    deadline.progressed(at(50));
    assertThat(deadline.expired(at(90), 0)).isFalse();
    assertThat(deadline.idle(at(90))).isEqualTo(Duration.ZERO);
    assertThat(deadline.expired(at(110), 0)).isTrue();
  }
}
