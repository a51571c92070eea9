package io.layerswarm.seeder.admin;

import io.layerswarm.core.Digest;
import io.layerswarm.seeder.evict.EvictionSettings;
import io.layerswarm.seeder.evict.EvictionTarget;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The seeder's blobs as the admin API shows and evicts them. */
public interface BlobCatalog {
  /** Every held blob, sorted by digest. Blocks on file I/O. */
  List<Entry> blobs() throws IOException;

  /** Evicts now unless a transfer of the blob is in progress. */
  EvictionTarget.Result evict(Digest digest) throws IOException;

  EvictionSettings evictionSettings();

  /**
   * @param infoHash 40 lowercase hex, empty when not seeded by this seeder
   * @param lastAccess empty when not used since the seeder started
   */
  record Entry(
      Digest digest,
      long sizeBytes,
      Optional<String> infoHash,
      boolean seeding,
      int peers,
      long uploadedBytes,
      Optional<Instant> lastAccess) {}
}
