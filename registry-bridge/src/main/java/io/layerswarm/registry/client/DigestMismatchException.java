package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import java.io.IOException;

/**
 * The bytes read do not hash to the digest they were fetched by, or there were more or fewer of
 * them than the blob's size. An IOException because it is thrown from {@code InputStream.read} at
 * end of stream and from {@code BlobWriter.commit}.
 */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;
  private final Digest expected;

  public DigestMismatchException(Digest expected, String actual) {
    super("content of " + expected + " hashed to sha256:" + actual);
    this.expected = expected;
  }

  /** The content had {@code actualBytes} bytes where {@code expectedBytes} were announced. */
  public DigestMismatchException(Digest expected, long expectedBytes, long actualBytes) {
    super(
        "content of "
            + expected
            + " had "
            + (actualBytes > expectedBytes ? "more than " : "")
            + actualBytes
            + " bytes, expected "
            + expectedBytes);
    this.expected = expected;
  }

  /** The digest the content was fetched or written by. */
  public Digest expected() {
    return expected;
  }
}
