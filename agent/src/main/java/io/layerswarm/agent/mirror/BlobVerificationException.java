package io.layerswarm.agent.mirror;

/** Downloaded content did not hash to the requested digest; the data was deleted. */
public final class BlobVerificationException extends MirrorException {
  private static final long serialVersionUID = 1L;

  BlobVerificationException(String message) {
    super(message);
  }

  BlobVerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
