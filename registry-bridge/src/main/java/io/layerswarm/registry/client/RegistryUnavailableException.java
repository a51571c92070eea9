package io.layerswarm.registry.client;

/** The upstream answered 5xx after the retries, or could not be reached at all (status 0). */
public final class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, int httpStatus, String upstreamErrorCode) {
    super(message, httpStatus, upstreamErrorCode, null);
  }

  public RegistryUnavailableException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, httpStatus, upstreamErrorCode, cause);
  }
}
