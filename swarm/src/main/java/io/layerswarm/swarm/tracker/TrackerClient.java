package io.layerswarm.swarm.tracker;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Sends announces: over HTTP in the engine ({@link HttpTrackerClient}), to an in-memory tracker in
 * the simulator.
 */
public interface TrackerClient {
  /**
   * Announces {@code request} to {@code tracker} (the announce URL). Completes with the tracker's
   * answer, or exceptionally with a {@link TrackerException} or an I/O error; on any thread.
   */
  CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest request);
}
