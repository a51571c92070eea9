package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.registry.store.BlobStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps cached blobs in the swarm. The metainfo of each blob that came from the swarm is saved as
 * {@code <torrentDir>/<hex>.torrent}; on start every cached blob with a saved metainfo is seeded
 * again from its file in the store. Thread-safe (stateless apart from the files).
 */
public final class CacheSeeder {
  private static final Logger log = LoggerFactory.getLogger(CacheSeeder.class);

  private final BlobStore store;
  private final Swarm swarm;
  private final Path torrentDir;
  private final List<URI> announce;

  /**
   * @param announce the announce URLs of this agent's trackers, written into every metainfo
   */
  public CacheSeeder(BlobStore store, Swarm swarm, Path torrentDir, List<URI> announce) {
    this.store = store;
    this.swarm = swarm;
    this.torrentDir = torrentDir;
    this.announce = List.copyOf(announce);
  }

  /** Where the metainfo of {@code digest} is saved. */
  Path torrentFile(Digest digest) {
    return torrentDir.resolve(digest.hex() + ".torrent");
  }

  /**
   * Seeds every cached blob that has a saved metainfo which matches it; skips (and logs) the rest.
   * Blocking: call at start, off any event loop.
   *
   * @return how many blobs are seeded
   */
  public int reseedCached() throws IOException {
    int seeded = 0;
    for (Digest digest : store.list()) {
      if (reseed(digest)) {
        seeded++;
      }
    }
    return seeded;
  }

  /**
   * Seeds one cached blob if it has a saved metainfo which matches it, for example once the store
   * has verified it after a restart; logs why not otherwise. Blocking.
   *
   * @return whether it is seeded now
   */
  public boolean reseed(Digest digest) {
    Path torrent = torrentFile(digest);
    if (!Files.isRegularFile(torrent)) {
      return false;
    }
    try {
      Metainfo meta = Metainfo.parse(Files.readAllBytes(torrent));
      OptionalLong size = store.size(digest);
      Optional<Path> file = store.path(digest);
      if (!meta.name().equals(digest.hex())
          || size.isEmpty()
          || file.isEmpty()
          || meta.length() != size.getAsLong()) {
        log.atWarn()
            .addKeyValue("digest", digest)
            .log("not seeding: saved metainfo {} does not describe the cached blob", torrent);
        return false;
      }
      swarm.seed(meta.withAnnounce(announce), file.get());
      return true;
    } catch (MetainfoException | IOException | RuntimeException e) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .log("not seeding: reading metainfo {} failed: {}", torrent, e.toString());
      return false;
    }
  }

  /**
   * After a swarm download was adopted into the store: saves the metainfo and keeps seeding. The
   * torrent that downloaded stays the seed, with its connections: the store's adoption is a rename,
   * so its open file still reads the stored blob. (Replacing it by a new seed torrent closed every
   * connection, and peers still missing pieces lost this host until their next announce:
   * docs/decisions.md, 15.) Only if that torrent is gone is a new one started on the stored file.
   */
  void seedAdopted(Digest digest, Metainfo meta) throws IOException {
    Path file =
        store
            .path(digest)
            .orElseThrow(() -> new NoSuchFileException("blob " + digest + " is not in the store"));
    save(digest, meta);
    swarm.seed(meta, file);
  }

  /** Deletes the saved metainfo of a blob that left the store. */
  void forget(Digest digest) throws IOException {
    Files.deleteIfExists(torrentFile(digest));
  }

  private void save(Digest digest, Metainfo meta) throws IOException {
    Files.createDirectories(torrentDir);
    Path target = torrentFile(digest);
    Path temp = Files.createTempFile(torrentDir, digest.hex(), ".tmp");
    try {
      Files.write(temp, meta.encode());
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
