package io.layerswarm.agent.mirror;

/** The upstream refused the agent's credentials (upstream 401). */
public final class UpstreamUnauthorizedException extends MirrorException {
  private static final long serialVersionUID = 1L;

  UpstreamUnauthorizedException(String message) {
    super(message);
  }

  UpstreamUnauthorizedException(String message, Throwable cause) {
    super(message, cause);
  }
}
