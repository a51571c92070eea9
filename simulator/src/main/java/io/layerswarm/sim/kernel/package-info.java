/**
 * The simulator's event kernel: one {@link io.layerswarm.sim.kernel.Simulation} per run, with a
 * virtual clock in nanoseconds, seeded random streams, and {@link io.layerswarm.sim.kernel.Timer}s
 * that run in (time, scheduling order). Everything runs on the one thread that calls {@code run};
 * nothing reads a wall clock, so a run is a pure function of its seed.
 */
package io.layerswarm.sim.kernel;
