package io.layerswarm.registry.server;

/** A request the registry API answers with an OCI error body. */
public final class RegistryApiException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public RegistryApiException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** {@code {"errors":[{"code":"...","message":"...","detail":null}]}} */
  public byte[] body() {
    return ErrorBody.json(code, getMessage());
  }
}
