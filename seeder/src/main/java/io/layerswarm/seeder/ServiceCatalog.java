package io.layerswarm.seeder;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.seeder.admin.BlobCatalog;
import io.layerswarm.seeder.evict.EvictionSettings;
import io.layerswarm.seeder.evict.EvictionTarget;
import io.layerswarm.seeder.evict.Evictor;
import io.layerswarm.seeder.seeding.BlobStatus;
import io.layerswarm.seeder.seeding.SeederService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The admin API's view of the service's blobs; evictions go through the evictor. */
final class ServiceCatalog implements BlobCatalog {
  private final SeederService service;
  private final Evictor evictor;

  ServiceCatalog(SeederService service, Evictor evictor) {
    this.service = service;
    this.evictor = evictor;
  }

  @Override
  public List<Entry> blobs() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (BlobStatus blob : service.blobs()) {
      entries.add(
          new Entry(
              blob.digest(),
              blob.sizeBytes(),
              blob.infoHash().map(InfoHash::hex),
              blob.seeding(),
              blob.peers(),
              blob.uploadedBytes(),
              blob.lastAccess()));
    }
    return entries;
  }

  @Override
  public EvictionTarget.Result evict(Digest digest) throws IOException {
    return evictor.evictNow(digest);
  }

  @Override
  public EvictionSettings evictionSettings() {
    return evictor.settings();
  }
}
