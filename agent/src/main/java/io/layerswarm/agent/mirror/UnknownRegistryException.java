package io.layerswarm.agent.mirror;

/**
 * The client named an upstream registry host (containerd {@code ?ns=}, podman prefix) that is not
 * configured.
 */
public final class UnknownRegistryException extends MirrorException {
  private static final long serialVersionUID = 1L;

  UnknownRegistryException(String message) {
    super(message);
  }

  UnknownRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
