package io.layerswarm.sim.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.swarm.loop.Loop;
import io.layerswarm.swarm.loop.LoopContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulation's loop keeps the engine's loop contract, on virtual time. */
class SimLoopTest extends LoopContract {
  private final Simulation simulation = new Simulation(1);
  private final SimLoop loop = new SimLoop(simulation);

  @Override
  protected Loop loop() {
    return loop;
  }

  @Override
  protected void onLoop(Runnable action) {
    simulation.schedule(0, action);
    simulation.runUntil(simulation.nowNanos());
  }

  @Override
  protected void pass(Duration duration) {
    simulation.runUntil(simulation.nowNanos() + duration.toNanos());
  }

  @Test
  void aTimerRunsAtItsVirtualTimeWhateverTheWallClock() {
    List<Instant> seen = new ArrayList<>();
    loop.schedule(() -> seen.add(simulation.clock().instant()), Duration.ofHours(3));

    simulation.run();

    assertThat(seen).containsExactly(Simulation.DEFAULT_EPOCH.plus(Duration.ofHours(3)));
  }
}
