package io.layerswarm.tracker.peerstore;

/**
 * The peer store could not do an operation now: its backend is unreachable, too slow, or refused
 * the command. Nothing is known about whether a write took effect; the client's next announce
 * repairs either outcome. The message names the action and the store.
 *
 * <p>This is the root exception of the {@code peerstore} seam; it does not extend the tracker's
 * {@code TrackerException} because this package depends on nothing else in the tracker.
 */
public final class PeerStoreUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public PeerStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
