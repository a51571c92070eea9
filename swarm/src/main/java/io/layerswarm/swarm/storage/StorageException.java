package io.layerswarm.swarm.storage;

import java.io.IOException;

/** A piece could not be written, read or verified, or the file could not be moved into place. */
final class StorageException extends IOException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
