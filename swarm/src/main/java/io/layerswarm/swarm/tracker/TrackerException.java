package io.layerswarm.swarm.tracker;

/**
 * An announce failed: the tracker was unreachable, answered badly, or refused (failure reason).
 * {@link #trackerUnusable()} singles out the answers that say the tracker cannot serve anyone now,
 * so that a torrent without peers need not wait for it.
 */
public final class TrackerException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean unusable;

  public TrackerException(String message) {
    this(message, null, false);
  }

  public TrackerException(String message, Throwable cause) {
    this(message, cause, cause instanceof TrackerException t && t.unusable);
  }

  private TrackerException(String message, Throwable cause, boolean unusable) {
    super(message, cause);
    this.unusable = unusable;
  }

  /**
   * The tracker cannot serve announces now: its peer store is unavailable, it answered HTTP 5xx, or
   * it refused the connection. Retrying it at once is pointless; another tracker may still serve.
   */
  public static TrackerException unusable(String message, Throwable cause) {
    return new TrackerException(message, cause, true);
  }

  /** True for the failures {@link #unusable} makes; a timeout or a bad answer is not one. */
  public boolean trackerUnusable() {
    return unusable;
  }
}
