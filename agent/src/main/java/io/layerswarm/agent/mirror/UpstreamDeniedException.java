package io.layerswarm.agent.mirror;

/** The upstream denied access (upstream 403). */
public final class UpstreamDeniedException extends MirrorException {
  private static final long serialVersionUID = 1L;

  UpstreamDeniedException(String message) {
    super(message);
  }

  UpstreamDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
