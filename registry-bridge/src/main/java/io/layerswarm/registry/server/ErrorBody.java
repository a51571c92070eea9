package io.layerswarm.registry.server;

/** OCI error bodies: {@code {"errors":[{"code":..., "message":..., "detail":...}]}}. */
public final class ErrorBody {
  private ErrorBody() {}

  public static byte[] json(ErrorCode code, String message) {
    throw new UnsupportedOperationException("TODO");
  }
}
