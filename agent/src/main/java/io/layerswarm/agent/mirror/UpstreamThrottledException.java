package io.layerswarm.agent.mirror;

/** The upstream is rate limiting the agent (upstream 429). */
public final class UpstreamThrottledException extends MirrorException {
  private static final long serialVersionUID = 1L;

  UpstreamThrottledException(String message) {
    super(message);
  }

  UpstreamThrottledException(String message, Throwable cause) {
    super(message, cause);
  }
}
