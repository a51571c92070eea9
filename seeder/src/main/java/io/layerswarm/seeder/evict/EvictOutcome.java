package io.layerswarm.seeder.evict;

/** What an attempt to evict one blob did. */
public enum EvictOutcome {
  EVICTED("evicted"),
  NOT_HELD("not held"),
  /** A peer is connected to its torrent. */
  UPLOADING("uploading"),
  /** A fetch, seeding or another eviction of the digest is in progress. */
  FETCHING("fetching"),
  /** It was requested between the decision and the eviction. */
  IN_USE("in use");

  private final String reason;

  EvictOutcome(String reason) {
    this.reason = reason;
  }

  /** Lowercase words, for messages and the admin API. */
  public String reason() {
    return reason;
  }
}
