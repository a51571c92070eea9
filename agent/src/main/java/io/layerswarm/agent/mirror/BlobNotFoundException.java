package io.layerswarm.agent.mirror;

/** The upstream has no such blob (upstream 404). */
public final class BlobNotFoundException extends MirrorException {
  private static final long serialVersionUID = 1L;

  BlobNotFoundException(String message) {
    super(message);
  }

  BlobNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
