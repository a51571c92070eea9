package io.layerswarm.swarm.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualLoopTest extends LoopContract {
  private final ManualLoop loop = new ManualLoop(new ManualClock());

  @Override
  protected Loop loop() {
    return loop;
  }

  @Override
  protected void onLoop(Runnable action) {
    loop.execute(action);
    loop.runPending();
  }

  @Override
  protected void pass(Duration duration) {
    loop.advance(duration);
  }

  @Test
  void aTimerSeesTheClockAtItsDueTime() {
    List<Instant> seen = new ArrayList<>();
    Instant start = loop.clock().instant();
    loop.schedule(() -> seen.add(loop.clock().instant()), Duration.ofSeconds(3));

    loop.advance(Duration.ofSeconds(10));

    assertThat(seen).containsExactly(start.plusSeconds(3));
    assertThat(loop.clock().instant()).isEqualTo(start.plusSeconds(10));
  }
}
