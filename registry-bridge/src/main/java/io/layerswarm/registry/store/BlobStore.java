package io.layerswarm.registry.store;

import io.layerswarm.core.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Content-addressed blob storage: the seam between the registry side and the disk. A blob is
 * visible only once its full content has been verified against its sha256, so a reader never sees a
 * partial or wrong blob. Implementations: {@link FileBlobStore} and {@link InMemoryBlobStore}.
 * Thread-safe.
 */
public interface BlobStore {
  /** True when the blob is stored (complete and verified). */
  boolean contains(Digest digest);

  /** The blob's size in bytes, empty when it is not stored. */
  OptionalLong size(Digest digest);

  /**
   * Opens the blob from {@code offset} (0 to size inclusive).
   *
   * @throws BlobNotFoundException when it is not stored
   * @throws IllegalArgumentException when {@code offset} is negative or beyond the size
   */
  InputStream open(Digest digest, long offset) throws IOException;

  /**
   * Starts writing a blob that must hash to {@code expected}. Nothing is visible until {@link
   * BlobWriter#commit()}. Writing a blob that is already stored is allowed: the commit then keeps
   * the stored copy.
   */
  BlobWriter create(Digest expected) throws IOException;

  /**
   * Moves {@code file}, written by someone else (for example the swarm engine's finished download),
   * into the store after verifying its sha256. After it returns the file is gone from its old path
   * and the blob is stored.
   *
   * @throws DigestMismatchException (the client one) when the file does not hash to {@code digest};
   *     then nothing is stored and {@code file} is left where it was
   */
  void adopt(Digest digest, Path file) throws IOException;

  /**
   * Like {@link #adopt(Digest, Path)}, but {@code prefix} already holds the sha256 state of the
   * file's first {@code prefix.length()} bytes, so only the rest needs hashing; the verdict is
   * still on the whole file. A store that cannot use the prefix hashes the whole file, as by
   * default.
   */
  default void adopt(Digest digest, Path file, HashedPrefix prefix) throws IOException {
    adopt(digest, file);
  }

  /** Removes the blob; false when it was not stored. Readers that have it open keep reading. */
  boolean delete(Digest digest) throws IOException;

  /** Every stored blob, sorted by digest. */
  List<Digest> list() throws IOException;

  /** The sum of the stored blobs' sizes in bytes. */
  long totalBytes() throws IOException;

  /**
   * The file holding the blob, for zero-copy sends and for seeding; empty when it is not stored or
   * the store has no files.
   */
  Optional<Path> path(Digest digest);
}
