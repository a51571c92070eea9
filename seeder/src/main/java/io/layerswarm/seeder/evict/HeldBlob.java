package io.layerswarm.seeder.evict;

import io.layerswarm.core.Digest;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A blob the seeder holds, as {@link EvictionTarget#held} reports it.
 *
 * @param uploadedBytes the seeding torrent's upload counter; empty when the blob is not seeded
 * @param peers peers connected to its torrent now; a seeder's peers are leechers (two seeds drop
 *     their connection), so any peer means an upload in progress
 * @param fetching a fetch or seeding of the digest is in progress
 */
public record HeldBlob(
    Digest digest, long sizeBytes, OptionalLong uploadedBytes, int peers, boolean fetching) {
  public HeldBlob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(uploadedBytes, "uploadedBytes");
  }
}
