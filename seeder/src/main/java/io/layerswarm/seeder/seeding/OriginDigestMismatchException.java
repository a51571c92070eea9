package io.layerswarm.seeder.seeding;

/** The origin sent bytes that do not hash to the requested digest. Nothing was stored. */
public final class OriginDigestMismatchException extends OriginFetchException {
  private static final long serialVersionUID = 1L;

  public OriginDigestMismatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
