package io.layerswarm.agent.mirror;

/** The agent's local blob storage failed. */
public final class MirrorStorageException extends MirrorException {
  private static final long serialVersionUID = 1L;

  MirrorStorageException(String message) {
    super(message);
  }

  MirrorStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
