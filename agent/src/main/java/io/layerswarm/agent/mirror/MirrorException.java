package io.layerswarm.agent.mirror;

/**
 * Root of the mirror's checked errors. Each subclass is one meaning a registry client understands
 * (unknown name, unauthorized, throttled, unavailable, ...); the HTTP edge maps them to statuses
 * and OCI error codes. Messages name the action and the repository, digest or upstream.
 */
public abstract class MirrorException extends Exception {
  private static final long serialVersionUID = 1L;

  MirrorException(String message) {
    super(message);
  }

  MirrorException(String message, Throwable cause) {
    super(message, cause);
  }
}
