package io.layerswarm.sim.swarm;

import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.swarm.loop.Loop;
import java.time.Duration;

/**
 * The engine's {@link Loop} on a simulation: every task and timer is an event of the simulation's
 * one thread, on its virtual clock. A task handed to {@link #execute} is an event at the current
 * instant, after those already scheduled for it.
 */
public final class SimLoop implements Loop {
  private final Simulation simulation;

  public SimLoop(Simulation simulation) {
    this.simulation = simulation;
  }

  @Override
  public boolean inLoop() {
    return true; // The simulation has one thread, and every caller runs on it.
  }

  @Override
  public void execute(Runnable task) {
    simulation.schedule(0, task);
  }

  @Override
  public Timer schedule(Runnable task, Duration delay) {
    io.layerswarm.sim.kernel.Timer timer = simulation.schedule(delay.toNanos(), task);
    return timer::cancel;
  }
}
