package io.layerswarm.registry.client;

/** The upstream answered 403: the credentials are valid but may not pull this repository. */
public final class DeniedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public DeniedException(String message, int httpStatus, String upstreamErrorCode) {
    super(message, httpStatus, upstreamErrorCode, null);
  }

  public DeniedException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, httpStatus, upstreamErrorCode, cause);
  }
}
