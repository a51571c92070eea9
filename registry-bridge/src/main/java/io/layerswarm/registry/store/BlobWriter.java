package io.layerswarm.registry.store;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.DigestMismatchException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes one blob into a {@link BlobStore}, hashing every byte on the way. {@link #commit()} checks
 * the sha256 against the expected digest and only then publishes the blob atomically; on a mismatch
 * nothing is stored. {@link #close()} without a commit aborts, so try-with-resources is safe. Used
 * by one thread at a time.
 */
public abstract class BlobWriter extends OutputStream {
  private enum State {
    OPEN,
    COMMITTED,
    ABORTED
  }

  private final Digest expected;
  private final MessageDigest sha256;
  private long bytesWritten;
  private State state = State.OPEN;

  protected BlobWriter(Digest expected) {
    this.expected = expected;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Stores bytes that have been hashed; not yet visible to readers. */
  protected abstract void append(byte[] b, int off, int len) throws IOException;

  /** Makes the verified content visible under the digest, atomically. */
  protected abstract void publish() throws IOException;

  /** Throws away what was written. */
  protected abstract void discard() throws IOException;

  public final Digest expected() {
    return expected;
  }

  public final long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public final void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public final void write(byte[] b, int off, int len) throws IOException {
    if (state != State.OPEN) {
      throw new IOException("write blob " + expected + " failed: the writer is " + state);
    }
    sha256.update(b, off, len);
    bytesWritten += len;
    append(b, off, len);
  }

  /**
   * Verifies and publishes.
   *
   * @throws DigestMismatchException when the bytes do not hash to {@link #expected()}; the writer
   *     is then aborted
   */
  public final void commit() throws IOException {
    if (state != State.OPEN) {
      throw new IOException("commit blob " + expected + " failed: the writer is " + state);
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(expected.hex())) {
      abort();
      throw new DigestMismatchException(expected, actual);
    }
    try {
      publish();
      state = State.COMMITTED;
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  /** Throws away what was written. Idempotent; does nothing after a commit. */
  public final void abort() {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    try {
      discard();
    } catch (IOException e) {
      // Leftovers are temp files, which the store sweeps when it is opened again.
    }
  }

  /** Aborts unless committed. */
  @Override
  public final void close() {
    abort();
  }
}
