package io.layerswarm.agent;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.store.BlobStore;
import java.io.IOException;
import java.util.List;

/**
 * Verified blobs in the store and their bytes.
 *
 * @param bytes summed size of the blobs
 * @param blobs how many there are
 */
record CacheUsage(long bytes, long blobs) {
  /** Lists the store: blocking file I/O, never on an event loop. */
  static CacheUsage of(BlobStore store) throws IOException {
    List<Digest> cached = store.list();
    long bytes = 0;
    for (Digest digest : cached) {
      bytes += store.size(digest).orElse(0); // deleted meanwhile: counts as 0
    }
    return new CacheUsage(bytes, cached.size());
  }
}
