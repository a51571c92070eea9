package io.layerswarm.agent.mirror;

/**
 * Where the readers of one transfer wait for it to move on: more bytes committed, another phase,
 * its end, or a tick of the fetcher, which lets a reader look at its stall limit on the fetcher's
 * clock. No wait is timed: time only moves through those ticks. A reader takes the {@link #version}
 * before it looks at the transfer, and waits for a later one, so a signal that comes between its
 * look and its wait is not lost. Thread-safe.
 */
final class TransferSignal {
  private long version; // guarded by this

  synchronized long version() {
    return version;
  }

  /** Wakes every waiting reader. */
  synchronized void signal() {
    version++;
    notifyAll();
  }

  /** Waits until a signal after the one that made {@code seen}. */
  synchronized void await(long seen) throws InterruptedException {
    while (version == seen) {
      wait();
    }
  }
}
