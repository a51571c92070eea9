package io.layerswarm.registry.client;

/**
 * Root of registry client errors. The message names the action and the repository or digest.
 * {@link #httpStatus()} is the upstream status when there was one (0 otherwise), so the agent can
 * pass 401, 404 and 429 through with their meaning.
 */
public class RegistryException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int httpStatus;

  public RegistryException(String message, int httpStatus) {
    super(message);
    this.httpStatus = httpStatus;
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = 0;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
