package io.layerswarm.swarm.loop;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The one thread that owns a torrent's state: one of the engine's Netty event loops, or the
 * simulator's event loop. Tasks and timers run on it one at a time; a task handed to {@link
 * #execute} runs later, never inside the caller.
 */
public interface Loop extends Executor {
  /** Whether the calling thread is this loop, so that the caller may touch its state at once. */
  boolean inLoop();

  /** Runs {@code task} on the loop once {@code delay} has passed on the loop's clock. */
  Timer schedule(Runnable task, Duration delay);

  /** A task scheduled for later. */
  interface Timer {
    /** The task will not run, unless it already started. */
    void cancel();
  }
}
