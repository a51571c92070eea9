package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a blob body through, counting the bytes and, when the body starts at offset 0, hashing
 * them. At end of stream it throws {@link DigestMismatchException} if the count differs from the
 * announced length or the sha256 differs from the digest; it throws as soon as the count goes past
 * the announced length. Once it has thrown, every later read throws the same exception, so a reader
 * can never mistake a bad body for a complete one.
 *
 * <p>Extends InputStream rather than FilterInputStream so that {@code skip} cannot bypass the hash.
 * Not thread-safe, like any InputStream.
 */
final class DigestVerifyingInputStream extends InputStream {
  private final InputStream in;
  private final Digest expected;
  private final MessageDigest sha256;
  private final long expectedBytes;
  private long count;
  private boolean verified;
  private DigestMismatchException failure;

  /**
   * @param hash whether to check the sha256 (only meaningful when the body starts at offset 0)
   * @param expectedBytes how many bytes the body must have
   */
  DigestVerifyingInputStream(InputStream in, Digest expected, boolean hash, long expectedBytes) {
    this.in = in;
    this.expected = expected;
    this.expectedBytes = expectedBytes;
    this.sha256 = hash ? newSha256() : null;
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, len);
    if (n < 0) {
      verifyAtEnd();
      return -1;
    }
    count += n;
    if (sha256 != null) {
      sha256.update(b, off, n);
    }
    if (count > expectedBytes) {
      throw fail(new DigestMismatchException(expected, expectedBytes, count));
    }
    return n;
  }

  private void verifyAtEnd() throws DigestMismatchException {
    if (verified) {
      return;
    }
    if (count != expectedBytes) {
      throw fail(new DigestMismatchException(expected, expectedBytes, count));
    }
    if (sha256 != null) {
      String actual = HexFormat.of().formatHex(sha256.digest());
      if (!actual.equals(expected.hex())) {
        throw fail(new DigestMismatchException(expected, actual));
      }
    }
    verified = true;
  }

  private DigestMismatchException fail(DigestMismatchException e) {
    failure = e;
    return e;
  }

  @Override
  public int available() throws IOException {
    return failure == null ? in.available() : 0;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
