package io.layerswarm.swarm.peer;

/**
 * A smoothed rate in bytes per second: bytes are counted as they pass, and each tick folds the
 * bytes since the last tick into the rate, halving the weight of the past. Owned by one thread.
 */
final class RateMeter {
  private long sinceTick;
  private double rate;

  /** Counts {@code bytes} that passed now. */
  void add(long bytes) {
    sinceTick += bytes;
  }

  /** Folds the bytes counted over the last {@code seconds} ({@code > 0}) into the rate. */
  void tick(double seconds) {
    rate = rate / 2 + sinceTick / seconds / 2;
    sinceTick = 0;
  }

  /** Bytes per second, smoothed; 0 before the first tick. */
  double rate() {
    return rate;
  }
}
