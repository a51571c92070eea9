package io.layerswarm.registry.client;

import io.layerswarm.registry.Digest;
import java.io.IOException;

/** The bytes read do not hash to the digest they were fetched by. */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public DigestMismatchException(Digest expected, String actual) {
    super("content of " + expected + " hashed to sha256:" + actual);
  }
}
