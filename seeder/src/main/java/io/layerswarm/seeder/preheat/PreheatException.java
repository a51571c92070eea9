package io.layerswarm.seeder.preheat;

/** Warming a blob failed; the message names the digest, the seeder and the cause. */
public class PreheatException extends Exception {
  private static final long serialVersionUID = 1L;

  public PreheatException(String message) {
    super(message);
  }

  public PreheatException(String message, Throwable cause) {
    super(message, cause);
  }
}
