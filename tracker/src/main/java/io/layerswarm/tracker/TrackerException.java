package io.layerswarm.tracker;

/**
 * The root of the tracker's checked exceptions. Messages name the action and its identifiers; HTTP
 * statuses are chosen only at the edge.
 */
public class TrackerException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrackerException(String message) {
    super(message);
  }

  public TrackerException(String message, Throwable cause) {
    super(message, cause);
  }
}
