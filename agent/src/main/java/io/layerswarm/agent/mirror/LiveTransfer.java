package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import java.io.Closeable;
import java.io.IOException;

/**
 * What a {@link LiveReader} needs of the transfer it streams from: where the bytes at a position
 * are now, and the final verdict. Implemented by the fetcher's transfer.
 */
interface LiveTransfer {
  Digest digest();

  /**
   * Where the bytes from {@code position} come from now: the store once the blob is there, the
   * swarm torrent while it downloads, or the file the origin copy is written to. Blocks while the
   * transfer is between sources (verifying the download), bounded.
   *
   * @param expectedSize the size the reader promised its client
   * @throws BlobReadException when the transfer failed or the blob is not what was promised
   */
  Source sourceAt(long position, long expectedSize) throws IOException;

  /**
   * Returns once the whole blob is in the store, verified against its digest, with {@code
   * expectedSize} bytes. Blocks, bounded.
   *
   * @throws BlobReadException when verification or the transfer failed, or the size differs
   */
  void awaitVerdict(long expectedSize) throws IOException;

  /** A place a reader takes bytes from. Used by one reader thread. */
  interface Source extends Closeable {
    /**
     * Reads at least one byte at {@code position}, blocking until there is one; -1 when this source
     * has no more. An IOException other than {@link BlobReadException} means "ask {@link #sourceAt}
     * again".
     */
    int read(byte[] b, int off, int len, long position) throws IOException;

    /** True when its bytes are known to belong to the verified blob (the store). */
    boolean verified();

    /** For log messages: "the store", "the swarm", "the origin". */
    String describe();
  }
}
