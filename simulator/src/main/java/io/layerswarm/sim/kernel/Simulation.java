package io.layerswarm.sim.kernel;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A single-threaded discrete-event loop with a virtual clock and a seeded random source.
 *
 * <p>Time is virtual, in nanoseconds since the start ({@link #nowNanos()} is 0 before the first
 * event), and moves only when the loop takes the next event. Events with equal times run in the
 * order they were scheduled, so a run is a pure function of its seed and its inputs: the same seed
 * gives the same run, bit for bit. Nothing in the loop reads a wall clock or starts a thread.
 *
 * <p>Randomness: {@link #random()} is the one root source, seeded from the simulation's seed; a
 * component should take {@code random().split()} once, at construction, or a named stream from
 * {@link #random(String)}, which depends only on the seed and the name, so adding a component does
 * not change another component's numbers.
 *
 * <p>Not thread-safe: a simulation, its timers and every model built on it are used from the one
 * thread that calls {@link #run()}; actions run on that thread, one at a time. An exception thrown
 * by an action ends the run and propagates to the caller of {@code run}.
 */
public final class Simulation {
  /** The wall-clock instant that virtual time 0 maps to in {@link #clock()}. */
  public static final Instant DEFAULT_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  final EventQueue queue = new EventQueue();
  private final long seed;
  private final Instant epoch;
  private final SplittableRandom random;
  private final InstantSource clock;
  private long now;
  private long nextSeq;
  private long eventsRun;
  private boolean running;
  private boolean stopRequested;

  /** A simulation whose clock starts at {@link #DEFAULT_EPOCH}. */
  public Simulation(long seed) {
    this(seed, DEFAULT_EPOCH);
  }

  /** A simulation whose {@link #clock()} reads {@code epoch} at virtual time 0. */
  public Simulation(long seed, Instant epoch) {
    this.seed = seed;
    this.epoch = Objects.requireNonNull(epoch, "epoch");
    this.random = new SplittableRandom(seed);
    this.clock = () -> this.epoch.plusNanos(now);
  }

  /** The seed this simulation was made with. */
  public long seed() {
    return seed;
  }

  /** Virtual time in nanoseconds since the start. */
  public long nowNanos() {
    return now;
  }

  /**
   * A view of the virtual clock as an {@link InstantSource}: the epoch plus {@link #nowNanos()}.
   */
  public InstantSource clock() {
    return clock;
  }

  /** The root random source, seeded from the simulation's seed. Take {@code split()}s from it. */
  public SplittableRandom random() {
    return random;
  }

  /**
   * A new random source that depends only on the seed and {@code stream}, whatever else was drawn
   * or split before. Two calls with the same name return equal, independent copies.
   */
  public SplittableRandom random(String stream) {
    // FNV-1a over the UTF-8 bytes, then SplittableRandom's own mixing spreads it.
    long h = 0xcbf29ce484222325L;
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return new SplittableRandom(new SplittableRandom(seed ^ h).nextLong());
  }

  /** How many events have run so far, over every call to {@link #run()} and {@link #runUntil}. */
  public long eventsRun() {
    return eventsRun;
  }

  /** How many timers are pending. */
  public int pendingEvents() {
    return queue.size();
  }

  /**
   * Schedules {@code action} to run {@code delayNanos} after now.
   *
   * @throws IllegalArgumentException if the delay is negative or the time overflows
   */
  public Timer schedule(long delayNanos, Runnable action) {
    Timer timer = timer(action);
    arm(timer, timeAfter(delayNanos));
    return timer;
  }

  /**
   * Schedules {@code action} to run at virtual time {@code timeNanos}.
   *
   * @throws IllegalArgumentException if {@code timeNanos} is before now
   */
  public Timer at(long timeNanos, Runnable action) {
    Timer timer = timer(action);
    arm(timer, timeNanos);
    return timer;
  }

  /** A timer for {@code action} that is not yet pending; arm it with {@link Timer#rescheduleAt}. */
  public Timer timer(Runnable action) {
    return new Timer(this, Objects.requireNonNull(action, "action"));
  }

  /**
   * Runs events in time order until none is left or {@link #stop()} is called. Now is then the time
   * of the last event that ran.
   *
   * @throws IllegalStateException if called from inside an event
   */
  public void run() {
    runUntil(Long.MAX_VALUE);
  }

  /**
   * Runs every event whose time is at most {@code timeNanos}, in time order, then sets now to
   * {@code timeNanos} (if it is later), unless {@link #stop()} was called, in which case now stays
   * at the time of the event that called it.
   *
   * @throws IllegalStateException if called from inside an event
   * @throws IllegalArgumentException if {@code timeNanos} is before now
   */
  public void runUntil(long timeNanos) {
    if (running) {
      throw new IllegalStateException("the simulation is already running");
    }
    if (timeNanos < now) {
      throw new IllegalArgumentException("time " + timeNanos + " ns is before now " + now + " ns");
    }
    running = true;
    stopRequested = false;
    try {
      EventQueue q = queue;
      while (!stopRequested && !q.isEmpty() && q.peekTime() <= timeNanos) {
        Timer timer = q.poll();
        now = timer.time;
        eventsRun++;
        timer.action.run();
      }
      if (!stopRequested && timeNanos != Long.MAX_VALUE) {
        now = timeNanos;
      }
    } finally {
      running = false;
    }
  }

  /**
   * Makes the current {@link #run()} or {@link #runUntil} return after the event that called it.
   */
  public void stop() {
    stopRequested = true;
  }

  long timeAfter(long delayNanos) {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("delay must be >= 0 ns: " + delayNanos);
    }
    if (delayNanos > Long.MAX_VALUE - now) {
      throw new IllegalArgumentException("delay " + delayNanos + " ns overflows the clock");
    }
    return now + delayNanos;
  }

  void arm(Timer timer, long timeNanos) {
    if (timeNanos < now) {
      throw new IllegalArgumentException("time " + timeNanos + " ns is before now " + now + " ns");
    }
    if (timer.index >= 0) {
      queue.move(timer, timeNanos, nextSeq++);
    } else {
      queue.add(timer, timeNanos, nextSeq++);
    }
  }
}
