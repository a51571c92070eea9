package io.layerswarm.registry.client;

import java.io.InputStream;

/**
 * An open blob body. When opened from offset 0 the stream verifies the sha256 as it is read and
 * throws {@link DigestMismatchException} (an IOException) at end of stream if it does not match.
 *
 * @param size total blob size in bytes
 * @param offset the first byte the stream returns
 */
public record BlobStream(InputStream body, long size, long offset) implements AutoCloseable {
  @Override
  public void close() throws java.io.IOException {
    body.close();
  }
}
