package io.layerswarm.agent.mirror;

import io.layerswarm.registry.store.HashedPrefix;
import java.security.MessageDigest;

/**
 * The sha256 of a swarm download's first bytes, fed by the streams that read its verified pieces in
 * order for their clients, so that the store's verdict after the last piece only hashes what no
 * stream read yet. Bytes that do not continue the prefix are ignored (a stream further on, a range
 * request); overlapping ones add only their new part. Memory: one digest state.
 *
 * <p>Threads: any; readers call {@link #offer} on their own threads, the transfer ends it with
 * {@link #finish} or {@link #discard}, after which offers are ignored.
 */
final class PrefixHasher {
  private final MessageDigest sha256 = HashedPrefix.newSha256();
  private long hashed;
  private boolean ended;

  /** {@code b[off, off + len)} are the download's verified bytes at {@code position}. */
  synchronized void offer(long position, byte[] b, int off, int len) {
    if (ended || position > hashed || position + len <= hashed) {
      return;
    }
    int skip = (int) (hashed - position);
    sha256.update(b, off + skip, len - skip);
    hashed = position + len;
  }

  /** Ends the feeding and gives what was hashed, for the store's adopt. */
  synchronized HashedPrefix finish() {
    ended = true;
    return HashedPrefix.of(sha256, hashed);
  }

  /** Ends the feeding: the download it hashed is abandoned (the origin takes over). */
  synchronized void discard() {
    ended = true;
  }

  /** Bytes hashed so far, from the start. */
  synchronized long hashed() {
    return hashed;
  }
}
