package io.layerswarm.seeder.preheat;

/** Receives a preheat's progress; called by one thread at a time. */
public interface PreheatListener {
  void progress(PreheatEvent event);

  /** Polled between blobs: true stops starting new ones (a client went away). */
  default boolean cancelled() {
    return false;
  }
}
