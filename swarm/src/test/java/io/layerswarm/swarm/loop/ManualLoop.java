package io.layerswarm.swarm.loop;

import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A {@link Loop} on the test's thread: tasks wait until the test runs them ({@link #runPending}),
 * timers until it moves the clock ({@link #advance}). Not thread-safe: everything happens on the
 * test's thread, which therefore counts as the loop.
 */
public final class ManualLoop implements Loop {
  private final ManualClock clock;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final PriorityQueue<Scheduled> timers = new PriorityQueue<>();
  private long sequence;

  public ManualLoop(ManualClock clock) {
    this.clock = clock;
  }

  public ManualClock clock() {
    return clock;
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  @Override
  public Timer schedule(Runnable task, Duration delay) {
    Scheduled s = new Scheduled(clock.instant().plus(delay), sequence++, task);
    timers.add(s);
    return () -> s.cancelled = true;
  }

  /** Runs tasks, and the tasks they submit, until none is left; returns how many ran. */
  public int runPending() {
    int ran = 0;
    Runnable task;
    while ((task = tasks.poll()) != null) {
      task.run();
      ran++;
      if (ran > 1_000_000) {
        throw new AssertionError("tasks keep submitting tasks");
      }
    }
    return ran;
  }

  /** Runs the oldest pending task, if any; returns whether one ran. */
  public boolean runNext() {
    Runnable task = tasks.poll();
    if (task == null) {
      return false;
    }
    task.run();
    return true;
  }

  /**
   * Moves the clock forward by {@code duration}, stopping at each timer that falls due to run it
   * and the tasks that follow from it.
   */
  public void advance(Duration duration) {
    Instant end = clock.instant().plus(duration);
    runPending();
    while (!timers.isEmpty() && !timers.peek().at.isAfter(end)) {
      Scheduled next = timers.poll();
      if (next.at.isAfter(clock.instant())) {
        clock.set(next.at);
      }
      if (!next.cancelled) {
        next.task.run();
      }
      runPending();
    }
    clock.set(end);
  }

  private static final class Scheduled implements Comparable<Scheduled> {
    final Instant at;
    final long order;
    final Runnable task;
    boolean cancelled;

    Scheduled(Instant at, long order, Runnable task) {
      this.at = at;
      this.order = order;
      this.task = task;
    }

    @Override
    public int compareTo(Scheduled o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }
}
