package io.layerswarm.agent.pins;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.image.Descriptor;
import io.layerswarm.registry.image.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefreshScheduleTest {
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  private static final Pin PIN =
      Pin.parse("base/jdk:17", Optional.empty(), new Platform("linux", "amd64"));
  private static final Digest MANIFEST = Digest.sha256("m".getBytes(StandardCharsets.UTF_8));
  private static final Descriptor LAYER =
      new Descriptor("layer", Digest.sha256("l".getBytes(StandardCharsets.UTF_8)), 5);

  private final RefreshSchedule schedule = RefreshSchedule.of(Duration.ofMinutes(5));

  private static PinState checked(boolean complete, Optional<String> error) {
    return PinState.initial(PIN)
        .resolved(MANIFEST, List.of(LAYER), complete ? Set.of(LAYER.digest()) : Set.of())
        .checked(T0, error);
  }

  @Test
  void aPinNeverLookedAtIsDueAtOnce() {
    assertThat(schedule.due(PinState.initial(PIN), T0)).isTrue();
  }

  @Test
  void aCompletePinIsDueAgainAfterTheRefreshInterval() {
    PinState state = checked(true, Optional.empty());

    assertThat(schedule.due(state, T0.plus(Duration.ofMinutes(5)).minusMillis(1))).isFalse();
    assertThat(schedule.due(state, T0.plus(Duration.ofMinutes(5)))).isTrue();
  }

  @Test
  void anIncompleteOrFailedPinIsRetriedAfterThirtySeconds() {
    for (PinState state :
        List.of(checked(false, Optional.empty()), checked(true, Optional.of("origin down")))) {
      assertThat(schedule.due(state, T0.plusSeconds(29))).isFalse();
      assertThat(schedule.due(state, T0.plusSeconds(30))).isTrue();
    }
  }

  @Test
  void aRefreshShorterThanTheRetryBoundsTheRetryToo() {
    RefreshSchedule fast = RefreshSchedule.of(Duration.ofSeconds(2));

    assertThat(fast.due(checked(false, Optional.empty()), T0.plusSeconds(2))).isTrue();
  }
}
