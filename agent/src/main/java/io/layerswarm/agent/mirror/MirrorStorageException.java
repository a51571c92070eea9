package io.layerswarm.agent.mirror;

import java.io.IOException;

/** The agent's local blob storage failed. */
public final class MirrorStorageException extends MirrorException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code action} failed with {@code e} writing to the data directory; a full file system says so
   * in words, since that is what an admin must fix.
   */
  static MirrorStorageException writing(String action, IOException e) {
    String message = String.valueOf(e.getMessage());
    boolean full = message.contains("No space left") || message.contains("quota exceeded");
    return new MirrorStorageException(
        action
            + " failed: "
            + (full ? "the agent's data file system is full (" + e + ")" : e.toString()),
        e);
  }

  MirrorStorageException(String message) {
    super(message);
  }

  MirrorStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
