package io.layerswarm.cli.admin;

/** An admin command failed; the message says which call and why. Exit code 1. */
class AdminException extends Exception {
  AdminException(String message) {
    super(message);
  }

  AdminException(String message, Throwable cause) {
    super(message, cause);
  }
}
