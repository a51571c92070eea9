package io.layerswarm.registry.store;

import io.layerswarm.core.Digest;
import java.nio.file.NoSuchFileException;

/** The blob is not in the store. A NoSuchFileException, so file-minded callers handle it too. */
public final class BlobNotFoundException extends NoSuchFileException {
  private static final long serialVersionUID = 1L;
  private final transient Digest digest;

  /**
   * @param action what was attempted, for example {@code "open blob"}
   */
  public BlobNotFoundException(String action, Digest digest) {
    super(digest.toString(), null, action + " failed: not in the blob store");
    this.digest = digest;
  }

  public Digest digest() {
    return digest;
  }
}
