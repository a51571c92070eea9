package io.layerswarm.core.health;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Whether a daemon's threads still work, for its health endpoint: every watched event loop must run
 * a heartbeat task within the limit (a loop whose thread died refuses it, a blocked one never runs
 * it), and no watched worker pool may have stopped. {@link #beat} sends the heartbeats, called
 * periodically by the daemon's timer (itself watched as a pool); {@link #problems} judges at the
 * clock's now. A pool that is merely busy is not a problem: only its end is. Thread-safe.
 */
public final class Liveness {
  private final InstantSource clock;
  private final Duration limit;
  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private final List<Pool> pools = new CopyOnWriteArrayList<>();

  /**
   * @param limit how long an event loop may take to run a heartbeat before it counts as stuck
   */
  public Liveness(InstantSource clock, Duration limit) {
    this.clock = clock;
    this.limit = limit;
  }

  /** Watches an event loop (or any executor that must always be quick to run a task). */
  public Liveness loop(String name, Executor loop) {
    loops.add(new Loop(name, loop));
    return this;
  }

  /** Watches every loop of a group, named {@code <prefix>-1}, {@code <prefix>-2}, ... */
  public Liveness loops(String prefix, Iterable<? extends Executor> group) {
    int i = 0;
    for (Executor loop : group) {
      loop(prefix + "-" + ++i, loop);
    }
    return this;
  }

  /** Watches a worker pool: a problem once it has shut down. */
  public Liveness pool(String name, ExecutorService pool) {
    return stopped(name, pool::isShutdown);
  }

  /** Watches anything that can stop: a problem once {@code stopped} says it has. */
  public Liveness stopped(String name, BooleanSupplier stopped) {
    pools.add(new Pool(name, stopped));
    return this;
  }

  /** Sends a heartbeat to every loop whose previous one ran. */
  public void beat() {
    Instant now = clock.instant();
    for (Loop loop : loops) {
      loop.beat(now);
    }
  }

  /** What is wrong now, one line each; empty when healthy. */
  public List<String> problems() {
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    for (Loop loop : loops) {
      loop.problem(now, limit).ifPresent(problems::add);
    }
    for (Pool pool : pools) {
      if (pool.stopped.getAsBoolean()) {
        problems.add(pool.name + " has stopped");
      }
    }
    return problems;
  }

  /** One watched loop; its fields change on the beating thread and the loop's own thread. */
  private static final class Loop {
    final String name;
    final Executor executor;
    private volatile Instant pendingSince;
    private volatile boolean refused;

    Loop(String name, Executor executor) {
      this.name = name;
      this.executor = executor;
    }

    void beat(Instant now) {
      if (pendingSince != null || refused) {
        return; // the last one has not run: its age tells
      }
      pendingSince = now;
      try {
        executor.execute(() -> pendingSince = null);
      } catch (RejectedExecutionException e) {
        refused = true;
      }
    }

    java.util.Optional<String> problem(Instant now, Duration limit) {
      if (refused) {
        return java.util.Optional.of(name + " has stopped: it refuses tasks");
      }
      Instant since = pendingSince;
      if (since != null && Duration.between(since, now).compareTo(limit) > 0) {
        return java.util.Optional.of(
            name + " has not run a task for " + Duration.between(since, now).toSeconds() + " s");
      }
      return java.util.Optional.empty();
    }
  }

  private record Pool(String name, BooleanSupplier stopped) {}
}
