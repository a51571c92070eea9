package io.layerswarm.registry.client;

import java.util.Optional;

/**
 * Root of registry client errors. The message names the action and the repository or digest. {@link
 * #httpStatus()} is the upstream status when there was one (0 otherwise), so the agent can pass
 * 401, 404 and 429 through with their meaning.
 *
 * <p>Subclasses: {@link UnauthorizedException} (401), {@link DeniedException} (403), {@link
 * ManifestUnknownException} and {@link BlobUnknownException} (404), {@link
 * TooManyRequestsException} (429), {@link RegistryUnavailableException} (5xx, or no response at
 * all) and {@link UnexpectedResponseException} (any other status, or a response that breaks the
 * protocol, including a manifest whose bytes do not match its digest).
 */
public class RegistryException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;
  private final String upstreamErrorCode;

  public RegistryException(String message, int httpStatus) {
    this(message, httpStatus, null, null);
  }

  public RegistryException(String message, Throwable cause) {
    this(message, 0, null, cause);
  }

  /**
   * @param upstreamErrorCode the OCI error code from the upstream's error body (for example {@code
   *     NAME_UNKNOWN}), or null
   * @param cause or null
   */
  public RegistryException(
      String message, int httpStatus, String upstreamErrorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.upstreamErrorCode = upstreamErrorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The OCI error code the upstream sent in its error body, if it sent one. */
  public Optional<String> upstreamErrorCode() {
    return Optional.ofNullable(upstreamErrorCode);
  }
}
