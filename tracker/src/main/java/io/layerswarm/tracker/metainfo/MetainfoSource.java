package io.layerswarm.tracker.metainfo;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;

/**
 * Where the tracker gets the {@code .torrent} of a blob: from the seeders that own the digest
 * ({@link HttpMetainfoSource}), or a fixed map in tests.
 *
 * <p>Calls block, possibly for minutes (a seeder pulls the blob from the origin first), so the
 * tracker calls this on its own bounded executor, never on an event loop. Implementations are
 * thread-safe.
 */
public interface MetainfoSource {
  /**
   * The bencoded metainfo of the blob {@code digest} in repository {@code repo} of the registry
   * {@code registry} ({@code host[:port]}, as the agent names its upstream).
   *
   * @throws MetainfoUnavailableException {@linkplain MetainfoUnavailableException#notFound() not
   *     found}, or no answer. An implementation interrupted while waiting (the tracker is closing)
   *     throws it as unavailable and keeps the thread's interrupt status set.
   */
  byte[] metainfo(Digest digest, String registry, RepositoryName repo)
      throws MetainfoUnavailableException;
}
