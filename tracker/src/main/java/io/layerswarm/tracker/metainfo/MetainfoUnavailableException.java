package io.layerswarm.tracker.metainfo;

/**
 * No metainfo could be had for a digest. {@link #notFound()} tells the two cases apart: the seeder
 * said the blob does not exist (HTTP 404 at the edge), or no seeder could answer (502).
 */
public final class MetainfoUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean notFound;

  private MetainfoUnavailableException(String message, Throwable cause, boolean notFound) {
    super(message, cause);
    this.notFound = notFound;
  }

  /** The blob does not exist in that registry and repository (a definite answer). */
  public static MetainfoUnavailableException notFound(String message) {
    return new MetainfoUnavailableException(message, null, true);
  }

  /** No seeder gave an answer; trying again later may work. */
  public static MetainfoUnavailableException unavailable(String message, Throwable cause) {
    return new MetainfoUnavailableException(message, cause, false);
  }

  /** True if the blob does not exist; false if the seeders could not be asked or failed. */
  public boolean notFound() {
    return notFound;
  }
}
