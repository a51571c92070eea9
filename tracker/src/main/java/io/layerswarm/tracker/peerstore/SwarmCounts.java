package io.layerswarm.tracker.peerstore;

/**
 * The size of one swarm, for announce replies and scrape (BEP 48).
 *
 * @param complete live seeds
 * @param incomplete live leechers
 * @param downloaded {@code completed} events seen since the swarm was last empty
 */
public record SwarmCounts(int complete, int incomplete, long downloaded) {
  public static final SwarmCounts EMPTY = new SwarmCounts(0, 0, 0);

  public SwarmCounts {
    if (complete < 0 || incomplete < 0 || downloaded < 0) {
      throw new IllegalArgumentException("swarm counts must be >= 0");
    }
  }
}
