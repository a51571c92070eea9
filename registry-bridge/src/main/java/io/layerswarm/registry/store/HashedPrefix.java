package io.layerswarm.registry.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The running sha256 of a file's first {@link #length} bytes, hashed while they were read for
 * another reason (a client streaming a swarm download), so that {@link BlobStore#adopt(
 * io.layerswarm.core.Digest, java.nio.file.Path, HashedPrefix)} only hashes the bytes after them.
 * Whoever makes one vouches that those bytes are the file's and do not change before the adopt.
 * Immutable: it keeps its own copy of the state.
 */
public final class HashedPrefix {
  /** Nothing hashed: the store hashes the whole file. */
  public static final HashedPrefix NONE = new HashedPrefix(newSha256(), 0);

  private final MessageDigest state;
  private final long length;

  private HashedPrefix(MessageDigest state, long length) {
    this.state = state;
    this.length = length;
  }

  /**
   * A copy of {@code sha256}, which has hashed exactly the first {@code length} bytes.
   *
   * @throws IllegalArgumentException when it is not a SHA-256 or {@code length} is negative
   */
  public static HashedPrefix of(MessageDigest sha256, long length) {
    if (!"SHA-256".equals(sha256.getAlgorithm()) || length < 0) {
      throw new IllegalArgumentException(
          "a hashed prefix is a SHA-256 of >= 0 bytes, not "
              + sha256.getAlgorithm()
              + " "
              + length);
    }
    return new HashedPrefix(copy(sha256), length);
  }

  /** The bytes hashed, from the file's start. */
  public long length() {
    return length;
  }

  /** A fresh copy of the state, to go on with the bytes after the prefix. */
  public MessageDigest resume() {
    return copy(state);
  }

  private static MessageDigest copy(MessageDigest sha256) {
    try {
      return (MessageDigest) sha256.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this platform's SHA-256 cannot be copied", e);
    }
  }

  /** A new SHA-256. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "HashedPrefix[" + length + " bytes]";
  }
}
