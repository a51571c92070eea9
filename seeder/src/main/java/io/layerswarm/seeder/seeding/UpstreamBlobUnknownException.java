package io.layerswarm.seeder.seeding;

/** The upstream answered that it has no such blob in the repository (HTTP 404). */
public final class UpstreamBlobUnknownException extends SeederException {
  private static final long serialVersionUID = 1L;

  public UpstreamBlobUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
