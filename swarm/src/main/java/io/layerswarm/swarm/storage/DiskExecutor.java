package io.layerswarm.swarm.storage;

import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's disk threads: hash checks and file writes of every torrent. Each thread is a {@link
 * Lane} with its own queue, and each torrent's storage uses one lane, so the tasks of one torrent
 * run one at a time and in order (two threads writing one file contend for its lock in the kernel
 * and burn CPU spinning), while torrents on different lanes proceed in parallel. Within a lane,
 * urgent tasks (a piece a stream reader is waiting for) run before the others: so with many
 * torrents downloading at once, the piece one of them needs to answer a reader does not wait behind
 * the others' queued writes.
 */
public final class DiskExecutor implements Executor {
  private final Lane[] lanes;
  private final AtomicInteger nextLane = new AtomicInteger();

  public DiskExecutor(int threads, ThreadFactory factory) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1: " + threads);
    }
    this.lanes = new Lane[threads];
    for (int i = 0; i < threads; i++) {
      lanes[i] = new Lane(factory);
    }
  }

  /** The next lane, round robin: for a new torrent. */
  public Lane lane() {
    return lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
  }

  /** Runs {@code task} on some lane, not urgently. */
  @Override
  public void execute(Runnable task) {
    lane().execute(task);
  }

  public void shutdown() {
    for (Lane lane : lanes) {
      lane.pool.shutdown();
    }
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Lane lane : lanes) {
      if (!lane.pool.awaitTermination(
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  /** Runs {@code task} on {@code executor}, before non-urgent tasks if it is a {@link Lane}. */
  static void execute(Executor executor, Runnable task, boolean urgent) {
    if (executor instanceof Lane lane) {
      lane.execute(task, urgent);
    } else {
      executor.execute(task);
    }
  }

  /** One disk thread: urgent tasks first, then in the order submitted. */
  public static final class Lane implements Executor {
    private final ThreadPoolExecutor pool;
    private final AtomicLong sequence = new AtomicLong();

    private Lane(ThreadFactory factory) {
      this.pool =
          new ThreadPoolExecutor(
              1, 1, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), factory);
    }

    @Override
    public void execute(Runnable task) {
      execute(task, false);
    }

    public void execute(Runnable task, boolean urgent) {
      pool.execute(new Task(task, urgent, sequence.getAndIncrement()));
    }
  }

  private record Task(Runnable task, boolean urgent, long sequence)
      implements Runnable, Comparable<Task> {
    @Override
    public void run() {
      task.run();
    }

    @Override
    public int compareTo(Task other) {
      if (urgent != other.urgent) {
        return urgent ? -1 : 1;
      }
      return Long.compare(sequence, other.sequence);
    }
  }
}
