package io.layerswarm.seeder;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.seeder.preheat.BlobWarmer;
import io.layerswarm.seeder.preheat.PreheatException;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.seeder.seeding.SeederService;

/** Warms a blob on this seeder: its metainfo lookup fetches the blob when it is not held. */
final class LocalWarmer implements BlobWarmer {
  private final SeederService service;

  LocalWarmer(SeederService service) {
    this.service = service;
  }

  @Override
  public String warm(Digest digest, RegistryHost registry, RepositoryName repo)
      throws PreheatException {
    try {
      service.metainfo(digest, registry.value(), repo);
      return "held by this seeder";
    } catch (SeederException e) {
      throw new PreheatException(e.getMessage(), e);
    }
  }
}
