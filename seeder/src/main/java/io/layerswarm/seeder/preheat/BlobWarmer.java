package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;

/**
 * Makes a blob held and seeded by the seeders that should have it. Implementations: the seeder's
 * own service (in the seeder's wiring) and {@link RingWarmer} (the blob's owners in the ring).
 */
@FunctionalInterface
public interface BlobWarmer {
  /**
   * Blocks until the blob is held, fetching it from {@code registry} if needed.
   *
   * @param registry a configured upstream's host
   * @return where it is held now, for the progress message
   * @throws PreheatException when no seeder could get it
   */
  String warm(Digest digest, RegistryHost registry, RepositoryName repo) throws PreheatException;
}
