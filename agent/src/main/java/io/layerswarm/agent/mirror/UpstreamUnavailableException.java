package io.layerswarm.agent.mirror;

/** The upstream could not be reached or failed (5xx, I/O error, unexpected status). */
public final class UpstreamUnavailableException extends MirrorException {
  private static final long serialVersionUID = 1L;

  UpstreamUnavailableException(String message) {
    super(message);
  }

  UpstreamUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
