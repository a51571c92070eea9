package io.layerswarm.agent.mirror;

/** The agent has no capacity left for this request (work queues are full). */
public final class MirrorBusyException extends MirrorException {
  private static final long serialVersionUID = 1L;

  MirrorBusyException(String message) {
    super(message);
  }

  MirrorBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
