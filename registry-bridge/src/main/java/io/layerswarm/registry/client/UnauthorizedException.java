package io.layerswarm.registry.client;

/** The upstream answered 401 even after the token or basic auth flow, or no credentials fit. */
public final class UnauthorizedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(String message, int httpStatus, String upstreamErrorCode) {
    super(message, httpStatus, upstreamErrorCode, null);
  }

  public UnauthorizedException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, httpStatus, upstreamErrorCode, cause);
  }
}
