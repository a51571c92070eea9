package io.layerswarm.swarm.tracker;

/** An announce failed: the tracker was unreachable, answered badly, or refused (failure reason). */
public final class TrackerException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrackerException(String message) {
    super(message);
  }

  public TrackerException(String message, Throwable cause) {
    super(message, cause);
  }
}
