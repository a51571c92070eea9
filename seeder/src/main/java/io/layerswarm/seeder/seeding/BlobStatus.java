package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import java.time.Instant;
import java.util.Optional;

/**
 * A held blob for the admin API.
 *
 * @param infoHash empty when this seeder has not seeded it (for example it failed to reindex)
 * @param lastAccess empty when it was not used since the seeder started
 */
public record BlobStatus(
    Digest digest,
    long sizeBytes,
    Optional<InfoHash> infoHash,
    boolean seeding,
    int peers,
    long uploadedBytes,
    Optional<Instant> lastAccess) {}
