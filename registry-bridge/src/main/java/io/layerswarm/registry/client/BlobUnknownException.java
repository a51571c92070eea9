package io.layerswarm.registry.client;

/** The upstream answered 404 to a blob request. */
public final class BlobUnknownException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public BlobUnknownException(String message, int httpStatus, String upstreamErrorCode) {
    super(message, httpStatus, upstreamErrorCode, null);
  }

  public BlobUnknownException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, httpStatus, upstreamErrorCode, cause);
  }
}
