package io.layerswarm.seeder.seeding;

/**
 * Root of the seeder's errors. Messages name the action and the digest (and registry and repository
 * where there is one). The HTTP control endpoint maps the subclasses to statuses; nothing else in
 * the module knows about HTTP.
 */
public class SeederException extends Exception {
  private static final long serialVersionUID = 1L;

  public SeederException(String message) {
    super(message);
  }

  public SeederException(String message, Throwable cause) {
    super(message, cause);
  }
}
