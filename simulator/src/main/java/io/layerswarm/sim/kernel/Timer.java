package io.layerswarm.sim.kernel;

/**
 * One action at one virtual time, owned by a {@link Simulation}. A timer is pending from the moment
 * it is scheduled until it runs or is cancelled; a cancelled timer never runs and leaves nothing
 * behind in the event queue. A timer may be armed again after it ran or was cancelled ({@link
 * #rescheduleAt}), which lets a component keep one timer for a recurring event without allocating.
 *
 * <p>Times are virtual nanoseconds since the simulation's start. Not thread-safe: like everything
 * in a simulation, a timer is used only on the thread that runs the simulation.
 */
public final class Timer {
  private final Simulation simulation;
  final Runnable action;

  /** The virtual time this timer runs at, in nanoseconds; meaningful while pending. */
  long time;

  /** Position in the event queue's heap, or -1 when not pending. */
  int index = -1;

  Timer(Simulation simulation, Runnable action) {
    this.simulation = simulation;
    this.action = action;
  }

  /**
   * Cancels this timer so that its action never runs.
   *
   * @return true if the timer was pending, false if it had already run or been cancelled
   */
  public boolean cancel() {
    if (index < 0) {
      return false;
    }
    simulation.queue.remove(this);
    return true;
  }

  /** True while the timer is scheduled and has neither run nor been cancelled. */
  public boolean isPending() {
    return index >= 0;
  }

  /** The virtual time, in nanoseconds, at which this timer runs (or last ran or would have run). */
  public long timeNanos() {
    return time;
  }

  /**
   * Arms this timer to run at {@code timeNanos}, moving it if it is pending. It then runs after
   * every event already scheduled for the same time, as if it had been scheduled anew.
   *
   * @throws IllegalArgumentException if {@code timeNanos} is before the simulation's now
   */
  public void rescheduleAt(long timeNanos) {
    simulation.arm(this, timeNanos);
  }

  /**
   * Arms this timer to run {@code delayNanos} after the simulation's now, moving it if it is
   * pending.
   *
   * @throws IllegalArgumentException if {@code delayNanos} is negative or the time overflows
   */
  public void reschedule(long delayNanos) {
    simulation.arm(this, simulation.timeAfter(delayNanos));
  }
}
