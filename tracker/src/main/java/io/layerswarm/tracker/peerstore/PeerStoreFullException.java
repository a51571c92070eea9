package io.layerswarm.tracker.peerstore;

/**
 * An announce would add an entry beyond one of the store's {@link PeerLimits}; nothing was changed.
 * The message ({@code tracker full: ... (tracker.max-peers)}) is meant for the client's {@code
 * failure reason} and names the config key.
 */
public final class PeerStoreFullException extends Exception {
  private static final long serialVersionUID = 1L;
  private final PeerLimits.Limit limit;

  PeerStoreFullException(PeerLimits.Limit limit, String message) {
    super(message, null, false, false);
    this.limit = limit;
  }

  public PeerLimits.Limit limit() {
    return limit;
  }
}
