package io.layerswarm.registry.client;

/**
 * The upstream answered a status we do not expect, or a response that breaks the protocol (for
 * example a manifest whose bytes do not hash to its digest, or 200 to a Range request).
 */
public final class UnexpectedResponseException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public UnexpectedResponseException(String message, int httpStatus, String upstreamErrorCode) {
    super(message, httpStatus, upstreamErrorCode, null);
  }

  public UnexpectedResponseException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, httpStatus, upstreamErrorCode, cause);
  }
}
