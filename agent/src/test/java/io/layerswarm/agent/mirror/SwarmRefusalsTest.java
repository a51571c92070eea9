package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SwarmRefusalsTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final SwarmRefusals refusals = new SwarmRefusals();

  private static Digest blob(int n) {
    return Digest.sha256(ByteBuffer.allocate(4).putInt(n).array());
  }

  @Test
  void aRefusalLastsItsLengthAndThenEnds() {
    refusals.refuse(blob(1), START);

    assertThat(refusals.refused(blob(1), START.plus(SwarmRefusals.LENGTH).minusSeconds(1)))
        .isTrue();
    assertThat(refusals.refused(blob(1), START.plus(SwarmRefusals.LENGTH))).isFalse();
    assertThat(refusals.refused(blob(2), START)).isFalse();
  }

  @Test
  void endedRefusalsAreForgotten() {
    refusals.refuse(blob(1), START);
    refusals.refuse(blob(2), START.plus(Duration.ofMinutes(5)));

    refusals.expire(START.plus(SwarmRefusals.LENGTH));

    assertThat(refusals.size()).isEqualTo(1);
    assertThat(refusals.refused(blob(2), START.plus(SwarmRefusals.LENGTH))).isTrue();
  }

  @Test
  void theMemoryIsBoundedAndANewRefusalAlwaysFits() {
    for (int i = 0; i < SwarmRefusals.MAX_REFUSALS; i++) {
      refusals.refuse(blob(i), START);
    }

    refusals.refuse(blob(-1), START.plusSeconds(1));

    assertThat(refusals.size()).isEqualTo(SwarmRefusals.MAX_REFUSALS);
    assertThat(refusals.refused(blob(-1), START.plusSeconds(1))).isTrue();
  }

  @Test
  void aFullMemoryDropsTheEndedRefusalsFirst() {
    for (int i = 0; i < SwarmRefusals.MAX_REFUSALS; i++) {
      refusals.refuse(blob(i), START);
    }
    Instant later = START.plus(SwarmRefusals.LENGTH);

    refusals.refuse(blob(-1), later);

    assertThat(refusals.size()).isEqualTo(1);
    assertThat(refusals.refused(blob(-1), later)).isTrue();
  }
}
