package io.layerswarm.seeder.evict;

import io.layerswarm.core.Digest;
import java.io.IOException;
import java.util.List;

/** The store {@link Evictor} evicts from: the seeder's blobs, metainfo and torrents. */
public interface EvictionTarget {
  /** Every held blob with its upload state. Blocks on file I/O. */
  List<HeldBlob> held() throws IOException;

  /**
   * Evicts {@code digest} unless that would break a transfer: stops seeding it, then deletes the
   * blob and its metainfo. Refuses ({@link EvictOutcome#UPLOADING}, {@link EvictOutcome#FETCHING})
   * when a peer is connected to its torrent or work on the digest is in progress, and ({@link
   * EvictOutcome#IN_USE}) when {@code expectedGeneration} is not {@link #ANY_GENERATION} and the
   * blob's {@link AccessLog#generation} has moved on from it.
   *
   * @return {@link EvictOutcome#EVICTED} with the bytes freed in {@link Result#bytesFreed}
   */
  Result evict(Digest digest, long expectedGeneration) throws IOException;

  /** For {@link #evict}: evict whatever the access log says (an operator's explicit request). */
  long ANY_GENERATION = -1;

  record Result(EvictOutcome outcome, long bytesFreed) {}
}
