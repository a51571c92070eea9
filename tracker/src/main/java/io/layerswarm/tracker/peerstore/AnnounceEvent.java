package io.layerswarm.tracker.peerstore;

/** The {@code event} of an announce (BEP 3). {@link #NONE} is a regular, periodic announce. */
public enum AnnounceEvent {
  /** The first announce of a download. */
  STARTED,
  /** The download finished; sent once, so it counts towards the swarm's {@code downloaded}. */
  COMPLETED,
  /** The peer leaves the swarm: the store forgets it at once. */
  STOPPED,
  /** A periodic announce (the parameter is absent, empty, or BEP 21's {@code paused}). */
  NONE
}
