package io.layerswarm.registry.image;

/**
 * Manifest bytes that are not an image manifest or index we can read: not JSON, a field of the
 * wrong type or value, or a format we do not support (Docker schema 1). The message names the
 * manifest and the field.
 */
public final class ManifestFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public ManifestFormatException(String message) {
    super(message);
  }

  public ManifestFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
