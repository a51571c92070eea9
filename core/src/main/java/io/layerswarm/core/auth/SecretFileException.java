package io.layerswarm.core.auth;

/**
 * A secret file could not be used: missing, unreadable, too short or too long, or readable by
 * others. The message names the file and the fix, and never contains any of its content.
 */
public final class SecretFileException extends Exception {
  private static final long serialVersionUID = 1L;

  public SecretFileException(String message) {
    super(message);
  }

  public SecretFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
