package io.layerswarm.cli.admin;

/**
 * A service command (against a seeder's or tracker's admin API) failed; the message says which
 * server, which call and why, and {@link #exitCode} is what the command exits with.
 */
final class ServiceException extends AdminException {
  private final int exitCode;

  ServiceException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
