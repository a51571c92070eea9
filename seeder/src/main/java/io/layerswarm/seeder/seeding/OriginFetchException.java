package io.layerswarm.seeder.seeding;

/**
 * Fetching a blob from the origin failed: the origin was unreachable, refused, stalled longer than
 * {@code seeder.origin-timeout}, or sent other bytes than the digest names. Nothing was stored, and
 * the next request tries again.
 */
public class OriginFetchException extends SeederException {
  private static final long serialVersionUID = 1L;

  public OriginFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
