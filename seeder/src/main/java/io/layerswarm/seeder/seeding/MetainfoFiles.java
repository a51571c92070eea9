package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.seeder.store.MetainfoStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metainfo of held blobs: the stored one while it still describes the blob (with this seeder's
 * announce URLs put in when they changed), else made again by hashing the blob file, and stored.
 * Metainfo is derived data, so an unreadable or stale entry is repaired, never fatal. Called by the
 * digest's single-flight leader only; blocks on file I/O.
 */
final class MetainfoFiles {
  private static final Logger log = LoggerFactory.getLogger(MetainfoFiles.class);

  private final MetainfoStore metainfos;
  private final List<URI> trackerAnnounce;

  /**
   * @param trackerAnnounce announce URLs written into new metainfo
   */
  MetainfoFiles(MetainfoStore metainfos, List<URI> trackerAnnounce) {
    this.metainfos = metainfos;
    this.trackerAnnounce = List.copyOf(trackerAnnounce);
  }

  /** The stored metainfo of the blob {@code file}, or new metainfo made from it and stored. */
  Metainfo storedOrNew(Digest digest, Path file) throws SeederException {
    Optional<Metainfo> stored;
    boolean unreadable = false;
    try {
      stored = metainfos.get(digest);
    } catch (IOException | MetainfoException e) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .log("making the metainfo again: the stored one is unreadable: {}", e.getMessage());
      stored = Optional.empty();
      unreadable = true;
    }
    long size = fileSize(digest, file);
    if (stored.isPresent()) {
      Metainfo metainfo = stored.get();
      // Every seeder of a version cuts a blob into the same pieces, so all make the same info
      // hash; one stored by an older version with other pieces is made again (decision 30).
      if (metainfo.name().equals(digest.hex())
          && metainfo.length() == size
          && metainfo.pieceLength() == PieceLength.forSize(size)) {
        if (new LinkedHashSet<>(metainfo.announce()).equals(new LinkedHashSet<>(trackerAnnounce))) {
          return metainfo;
        }
        // Announce URLs are outside the info dictionary: same info hash, no rehash needed.
        Metainfo updated = metainfo.withAnnounce(trackerAnnounce);
        store(digest, updated);
        return updated;
      }
      log.atWarn()
          .addKeyValue("digest", digest)
          .log(
              "making the metainfo again: the stored one describes {} ({} bytes, pieces of {}),"
                  + " the blob has {} bytes and this seeder cuts it into pieces of {}",
              metainfo.name(),
              metainfo.length(),
              metainfo.pieceLength(),
              size,
              PieceLength.forSize(size));
    } else if (!unreadable) {
      log.atInfo().addKeyValue("digest", digest).log("making the metainfo: the blob has none");
    }
    Metainfo created = create(digest, file);
    store(digest, created);
    return created;
  }

  /** Hashes the blob {@code file} into new metainfo; stores nothing. */
  Metainfo create(Digest digest, Path file) throws SeederException {
    long size = fileSize(digest, file);
    try {
      Metainfo metainfo =
          Metainfo.create(file, digest.hex(), trackerAnnounce, PieceLength.forSize(size));
      log.atInfo()
          .addKeyValue("digest", digest)
          .addKeyValue("torrent", metainfo.infoHash().hex())
          .log(
              "made the metainfo: {} pieces of {} bytes",
              metainfo.pieceCount(),
              metainfo.pieceLength());
      return metainfo;
    } catch (IOException e) {
      throw new SeedingException("make the metainfo of " + digest + " from " + file + ": " + e, e);
    }
  }

  void store(Digest digest, Metainfo metainfo) throws SeedingException {
    try {
      metainfos.put(digest, metainfo);
    } catch (IOException e) {
      throw new SeedingException("store the metainfo of " + digest + ": " + e, e);
    }
  }

  private static long fileSize(Digest digest, Path file) throws SeedingException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new SeedingException("read the size of blob " + digest + " at " + file + ": " + e, e);
    }
  }
}
