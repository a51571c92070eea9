package io.layerswarm.testbed.trackerload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PhaseStatsTest {

  @Test
  void percentilesAreNearestRankOverTheAnsweredAnnounces() {
    PhaseStats s = new PhaseStats(0);
    for (int i = 100; i >= 1; i--) {
      s.sent();
      s.answered(i * 1_000_000L, 50, 2_000_000_000L);
    }

    PhaseStats.Summary sum = s.summary("steady", 50, 100);

    assertThat(sum.p50Ms()).isEqualTo(50.0);
    assertThat(sum.p99Ms()).isEqualTo(99.0);
    assertThat(sum.maxMs()).isEqualTo(100.0);
    assertThat(sum.achievedPerSecond()).isCloseTo(50.0, within(1e-9));
    assertThat(sum.peersPerAnswer()).isEqualTo(50.0);
  }

  @Test
  void errorsAreCountedByKindAndNotAsAnswers() {
    PhaseStats s = new PhaseStats(0);
    s.answered(1_000_000, 3, 1_000_000_000L);
    s.error("timeout", 1_000_000_000L);
    s.error("timeout", 1_000_000_000L);
    s.error("HTTP 401", 1_000_000_000L);

    PhaseStats.Summary sum = s.summary("max", 0, 10);

    assertThat(sum.ok()).isEqualTo(1);
    assertThat(sum.errors()).isEqualTo(3);
    assertThat(sum.errorsByKind()).containsEntry("timeout", 2L).containsEntry("HTTP 401", 1L);
    assertThat(s.completed()).isEqualTo(4);
  }

  @Test
  void aPhaseWithoutAnswersHasNoLatency() {
    PhaseStats.Summary sum = new PhaseStats(0).summary("burst", 10, 10);

    assertThat(sum.p99Ms()).isNaN();
    assertThat(sum.achievedPerSecond()).isZero();
  }
}
