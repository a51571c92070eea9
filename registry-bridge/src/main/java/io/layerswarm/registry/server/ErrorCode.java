package io.layerswarm.registry.server;

/** OCI distribution error codes we emit, with their HTTP status. */
public enum ErrorCode {
  BLOB_UNKNOWN(404),
  DIGEST_INVALID(400),
  MANIFEST_UNKNOWN(404),
  MANIFEST_INVALID(400),
  NAME_INVALID(400),
  NAME_UNKNOWN(404),
  RANGE_INVALID(416),
  UNAUTHORIZED(401),
  DENIED(403),
  UNSUPPORTED(405),
  TOOMANYREQUESTS(429),
  UNAVAILABLE(503);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
