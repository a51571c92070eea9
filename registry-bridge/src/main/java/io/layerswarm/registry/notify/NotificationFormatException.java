package io.layerswarm.registry.notify;

/** A notification body that is not a distribution event envelope; the message names the field. */
public final class NotificationFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public NotificationFormatException(String message) {
    super(message);
  }

  public NotificationFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
