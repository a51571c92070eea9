package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The digests the service seeds, with their metainfo, and the engine's torrents for them. Written
 * only by the single-flight leader of a digest ({@link DigestFlights}); read by anyone.
 */
final class SeededBlobs {
  // The service's logger: these lines are part of its story of a digest.
  private static final Logger log = LoggerFactory.getLogger(SeederService.class);

  /**
   * How long a new seed waits for the tracker to accept its "started" announce before its metainfo
   * goes out: otherwise the first agent's announce can find no peer and wait for a re-announce.
   */
  static final Duration FIRST_ANNOUNCE_WAIT = Duration.ofSeconds(2);

  private final SwarmEngine engine;
  private final ConcurrentHashMap<Digest, Metainfo> seeded = new ConcurrentHashMap<>();

  SeededBlobs(SwarmEngine engine) {
    this.engine = engine;
  }

  /** The metainfo of {@code digest} when the engine seeds it now. */
  Optional<Metainfo> seeding(Digest digest) {
    Metainfo known = seeded.get(digest);
    return known != null && engine.torrent(known.infoHash()).isPresent()
        ? Optional.of(known)
        : Optional.empty();
  }

  /** The metainfo of {@code digest} when it was seeded, even if its torrent is gone since. */
  Optional<Metainfo> metainfo(Digest digest) {
    return Optional.ofNullable(seeded.get(digest));
  }

  /** The torrent of {@code digest}, when seeded and the engine still has it. */
  Optional<Torrent> torrent(Digest digest) {
    Metainfo metainfo = seeded.get(digest);
    return metainfo == null ? Optional.empty() : engine.torrent(metainfo.infoHash());
  }

  /** Starts seeding {@code file} unless the engine already does, and records it. */
  Metainfo seed(Digest digest, Metainfo metainfo, Path file) throws SeedingException {
    if (engine.torrent(metainfo.infoHash()).isEmpty()) {
      try {
        engine.seedInitially(metainfo, file);
      } catch (IOException e) {
        throw new SeedingException("seed " + digest + " from " + file + ": " + e, e);
      }
      log.atInfo()
          .addKeyValue("digest", digest)
          .addKeyValue("torrent", metainfo.infoHash().hex())
          .log("seeding");
    }
    seeded.put(digest, metainfo);
    return metainfo;
  }

  /** Forgets {@code digest}; returns its metainfo (null if none) for {@link #restore}. */
  Metainfo remove(Digest digest) {
    return seeded.remove(digest);
  }

  /** Undoes {@link #remove}. */
  void restore(Digest digest, Metainfo metainfo) {
    if (metainfo != null) {
      seeded.put(digest, metainfo);
    }
  }

  /**
   * Waits for the first announce of {@code metainfo}'s torrent, when the engine seeds it. Bounded:
   * with the trackers down or slow the metainfo still goes out; agents re-announce.
   */
  void awaitFirstAnnounce(Digest digest, Metainfo metainfo) {
    Optional<Torrent> torrent = engine.torrent(metainfo.infoHash());
    if (torrent.isEmpty()) {
      return;
    }
    try {
      if (!torrent.get().announced().get(FIRST_ANNOUNCE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.atDebug()
            .addKeyValue("digest", digest)
            .log(
                "no tracker accepted this seed's first"
                    + " announce; agents will find it when an announce gets through");
      }
    } catch (TimeoutException | ExecutionException e) {
      log.atInfo()
          .addKeyValue("digest", digest)
          .log(
              "answering the metainfo request before the"
                  + " tracker accepted this seed's first announce");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
