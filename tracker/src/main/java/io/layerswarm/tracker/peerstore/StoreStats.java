package io.layerswarm.tracker.peerstore;

/** Totals over the whole store, for metrics: swarms with at least one live peer, and live peers. */
public record StoreStats(int swarms, int peers) {
  public StoreStats {
    if (swarms < 0 || peers < 0) {
      throw new IllegalArgumentException("store stats must be >= 0");
    }
  }
}
