package io.layerswarm.seeder.store;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * The seeder's torrent metainfo, one per blob digest. It is derived data: it can always be made
 * again from the blob, so a missing or unreadable entry is repaired, never fatal. Implementations:
 * {@link FileMetainfoStore} ({@code <dir>/<hex>.torrent}) and {@link InMemoryMetainfoStore}.
 * Thread-safe.
 */
public interface MetainfoStore {
  /**
   * The metainfo stored for {@code digest}, or empty when there is none.
   *
   * @throws MetainfoException when an entry exists but does not parse
   */
  Optional<Metainfo> get(Digest digest) throws IOException, MetainfoException;

  /** Stores (or replaces) the metainfo of {@code digest}; readers see the old or the new, whole. */
  void put(Digest digest, Metainfo metainfo) throws IOException;

  /** Removes the entry; no error when there is none. */
  void delete(Digest digest) throws IOException;

  /** Digests that have an entry. Entries that are not named by a digest are left out. */
  Set<Digest> list() throws IOException;
}
