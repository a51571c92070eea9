package io.layerswarm.registry.client;

/** The upstream answered 404 to a manifest request (unknown tag, digest or repository). */
public final class ManifestUnknownException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public ManifestUnknownException(String message, int httpStatus, String upstreamErrorCode) {
    super(message, httpStatus, upstreamErrorCode, null);
  }

  public ManifestUnknownException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, httpStatus, upstreamErrorCode, cause);
  }
}
